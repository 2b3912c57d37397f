import CancuocUsage
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The Prometheus HTTP API's instant query (`POST /api/v1/query`, form-encoded), over
/// Foundation's URLSession (libcurl on Linux: the system's CA certificates and the usual
/// `https_proxy` variables apply). Works with Prometheus and the stores that speak its API
/// (Thanos Query, Mimir, VictoriaMetrics: give the URL of their Prometheus API prefix).
/// `headers` are sent with every query (for example `X-Scope-OrgID` for a Mimir tenant).
public struct PrometheusHTTPClient: PrometheusQuerying {
    public let baseURL: URL
    public let timeout: TimeInterval
    public let headers: [(String, String)]

    /// `url`: `http://HOST:9090` or a path prefix (`https://monitor.soyte.vn/prometheus`).
    public init(url: String, timeout: TimeInterval = 120, headers: [(String, String)] = []) throws(PrometheusQueryError)
    {
        guard let base = URL(string: url), let scheme = base.scheme?.lowercased(), ["http", "https"].contains(scheme),
            base.host?.isEmpty == false
        else {
            throw .badURL(url)
        }
        baseURL = base
        self.timeout = timeout
        self.headers = headers
    }

    var queryURL: URL {
        var path = baseURL.path
        if !path.hasSuffix("/") { path += "/" }
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        components?.path = path + "api/v1/query"
        components?.query = nil
        return components?.url ?? baseURL.appendingPathComponent("api/v1/query")
    }

    public func query(_ promql: String, at time: Date) async throws -> PrometheusQueryResult {
        var request = URLRequest(url: queryURL, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(
            Self.form([
                "query": promql, "time": String(format: "%.3f", time.timeIntervalSince1970),
                "timeout": "\(Int(timeout))s",
            ]).utf8
        )
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw PrometheusQueryError.unreachable(url: baseURL.absoluteString, reason: Self.reason(error))
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        // Prometheus answers its errors (400 bad_data, 422 execution, 503 timeout) as JSON;
        // a proxy or another server in front answers HTML or text.
        if status != 200 {
            var refusal: PrometheusQueryError = .httpStatus(
                url: queryURL.absoluteString,
                status: status,
                body: Self.snippet(data)
            )
            do {
                _ = try PrometheusQueryResult.parse(data)
            } catch {
                if case .queryFailed = error { refusal = error }
            }
            throw refusal
        }
        return try PrometheusQueryResult.parse(data)
    }

    static func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    static func reason(_ error: any Error) -> String {
        if let url = error as? URLError {
            switch url.code {
            case .timedOut: return "no answer in time (timed out)"
            case .cannotConnectToHost: return "connection refused"
            case .cannotFindHost, .dnsLookupFailed: return "unknown host name"
            case .notConnectedToInternet, .networkConnectionLost: return "the network is down"
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                return "the TLS connection failed (certificate not trusted?)"
            default: return url.localizedDescription
            }
        }
        return "\(error)"
    }

    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        return String(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.map(Character.init))
    }
}
