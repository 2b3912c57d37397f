import Foundation
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP(S) GET of a CRL with a deadline and a size limit, over Foundation's URLSession
/// (libcurl on Linux, as `PrometheusHTTPClient`: the system's CA certificates and the usual
/// `https_proxy` variables apply; no new dependency). The body is received piece by piece and
/// the transfer is cancelled as soon as it passes `maxBytes`, so a hostile or broken server
/// cannot make the PC hold more than that in memory.
public struct CRLDownload: Sendable {
    public var timeout: Duration
    public var maxBytes: Int

    public init(timeout: Duration = .seconds(30), maxBytes: Int = 10 << 20) {
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    /// The body of a `200` answer to a GET of `url`.
    public func fetch(_ url: URL) async throws(CRLDownloadError) -> [UInt8] {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host?.isEmpty == false
        else { throw .badURL }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let receiver = Receiver(maxBytes: maxBytes)
        let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: seconds)
        request.httpMethod = "GET"
        let outcome: Result<(Int, [UInt8]), CRLDownloadError> = await withCheckedContinuation { continuation in
            receiver.start(session.dataTask(with: request), continuation)
        }
        let (status, body) = try outcome.get()
        guard status == 200 else { throw .httpStatus(status) }
        return body
    }

    /// Collects the body, cancels past the limit, resumes the caller once.
    final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let maxBytes: Int
        private struct State {
            var body: [UInt8] = []
            var status = 0
            var tooLarge = false
            var continuation: CheckedContinuation<Result<(Int, [UInt8]), CRLDownloadError>, Never>?
        }
        private let state = Mutex(State())

        init(maxBytes: Int) { self.maxBytes = maxBytes }

        func start(
            _ task: URLSessionDataTask,
            _ continuation: CheckedContinuation<Result<(Int, [UInt8]), CRLDownloadError>, Never>
        ) {
            state.withLock { $0.continuation = continuation }
            task.resume()
        }

        func urlSession(
            _ session: URLSession,
            dataTask: URLSessionDataTask,
            didReceive response: URLResponse,
            completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
        ) {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let announced = response.expectedContentLength
            let tooLarge = announced > Int64(maxBytes)
            state.withLock {
                $0.status = status
                $0.tooLarge = tooLarge
            }
            completionHandler(tooLarge ? .cancel : .allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let over = state.withLock { s -> Bool in
                guard !s.tooLarge else { return true }
                if s.body.count + data.count > maxBytes {
                    s.tooLarge = true
                    s.body = []
                    return true
                }
                s.body.append(contentsOf: data)
                return false
            }
            if over { dataTask.cancel() }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            let (continuation, result) = state.withLock { s in
                let c = s.continuation
                s.continuation = nil
                let result: Result<(Int, [UInt8]), CRLDownloadError>
                if s.tooLarge {
                    result = .failure(.tooLarge(maxBytes))
                } else if let error {
                    result = .failure(CRLDownloadError(error))
                } else {
                    result = .success((s.status, s.body))
                }
                return (c, result)
            }
            continuation?.resume(returning: result)
        }
    }
}

/// Why a CRL could not be downloaded, in Vietnamese and English.
public enum CRLDownloadError: Error, Sendable, Equatable, CustomStringConvertible {
    case badURL
    case timedOut
    case refused
    case unknownHost
    case tls
    case httpStatus(Int)
    case tooLarge(Int)
    case other(String)

    init(_ error: any Error) {
        guard let url = error as? URLError else {
            self = .other("\(error)")
            return
        }
        switch url.code {
        case .timedOut: self = .timedOut
        case .cannotConnectToHost: self = .refused
        case .cannotFindHost, .dnsLookupFailed: self = .unknownHost
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            self = .tls
        default: self = .other(url.localizedDescription)
        }
    }

    public var english: String {
        switch self {
        case .badURL: return "The address is not an http:// or https:// URL."
        case .timedOut: return "The server did not answer in time."
        case .refused: return "The server refused the connection."
        case .unknownHost: return "The server's name is unknown (DNS)."
        case .tls: return "The TLS connection failed (certificate not trusted?)."
        case .httpStatus(let status): return "The server answered HTTP \(status) instead of the CRL."
        case .tooLarge(let limit): return "The answer is larger than the limit of \(limit) bytes; it was not kept."
        case .other(let reason): return "The download failed: \(reason)."
        }
    }

    public var vietnamese: String {
        switch self {
        case .badURL: return "Địa chỉ không phải URL http:// hay https://."
        case .timedOut: return "Máy chủ không trả lời kịp."
        case .refused: return "Máy chủ từ chối kết nối."
        case .unknownHost: return "Không tìm thấy tên máy chủ (DNS)."
        case .tls: return "Kết nối TLS thất bại (chứng thư không tin cậy?)."
        case .httpStatus(let status): return "Máy chủ trả lời HTTP \(status) thay vì CRL."
        case .tooLarge(let limit): return "Dữ liệu lớn hơn giới hạn \(limit) byte; không giữ lại."
        case .other: return "Tải xuống thất bại."
        }
    }

    public var description: String { "\(vietnamese) — \(english)" }
}
