import Foundation

/// One answer of the Prometheus HTTP API's instant query (`/api/v1/query`), parsed at the
/// edge into samples (https://prometheus.io/docs/prometheus/latest/querying/api/):
///
/// ```json
/// {"status":"success","data":{"resultType":"vector","result":[{"metric":{"facility":"BP-001"},"value":[1733400000.5,"3"]}]}}
/// {"status":"error","errorType":"bad_data","error":"parse error…"}
/// ```
///
/// Anything else (not JSON, a matrix, a value that is not a number, a label that is not a
/// string) throws `PrometheusQueryError.malformed`; an error answer throws `.queryFailed`.
public struct PrometheusQueryResult: Sendable, Equatable {
    public struct Sample: Sendable, Equatable {
        public var labels: [String: String]
        public var value: Double
        public var time: Date
        public init(labels: [String: String], value: Double, time: Date) {
            self.labels = labels
            self.value = value
            self.time = time
        }
    }

    public var samples: [Sample]
    /// Prometheus's own warnings (for example a query that touched too many series).
    public var warnings: [String]

    public init(samples: [Sample], warnings: [String] = []) {
        self.samples = samples
        self.warnings = warnings
    }

    /// Answers larger than this are refused rather than decoded (a roll-up of 12,455
    /// facilities stays far below it).
    public static let maximumSize = 256 << 20

    public static func parse(_ data: Data) throws(PrometheusQueryError) -> PrometheusQueryResult {
        guard data.count <= maximumSize else { throw .malformed("the answer is larger than \(maximumSize >> 20) MiB") }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch let error as PrometheusQueryError {
            throw error
        } catch {
            throw .malformed(Self.describe(error))
        }
        switch body.status {
        case "success":
            guard let result = body.data else { throw .malformed("no \"data\" in a successful answer") }
            return PrometheusQueryResult(samples: result.samples, warnings: body.warnings ?? [])
        case "error":
            throw .queryFailed(kind: body.errorType ?? "unknown", message: body.error ?? "")
        default:
            throw .malformed("status \"\(body.status)\" is neither success nor error")
        }
    }

    private struct Body: Decodable {
        var status: String
        var data: ResultData?
        var errorType: String?
        var error: String?
        var warnings: [String]?
    }

    private struct ResultData: Decodable {
        var samples: [Sample]

        enum CodingKeys: String, CodingKey { case resultType, result }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            switch try c.decode(String.self, forKey: .resultType) {
            case "vector":
                samples = try c.decode([VectorElement].self, forKey: .result).map {
                    Sample(labels: $0.metric, value: $0.value.value, time: $0.value.time)
                }
            case "scalar":
                let point = try c.decode(Point.self, forKey: .result)
                samples = [Sample(labels: [:], value: point.value, time: point.time)]
            case let other:
                throw PrometheusQueryError.malformed("result type \"\(other)\" where an instant vector was expected")
            }
        }
    }

    private struct VectorElement: Decodable {
        var metric: [String: String]
        var value: Point
    }

    /// `[unix time, "value"]`: the value is a string so that NaN and ±Inf survive JSON.
    private struct Point: Decodable {
        var time: Date
        var value: Double
        init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            let t = try c.decode(Double.self)
            let text = try c.decode(String.self)
            guard c.isAtEnd else { throw PrometheusQueryError.malformed("a sample has more than a time and a value") }
            guard t.isFinite, abs(t) < 1e11 else {
                throw PrometheusQueryError.malformed("sample time \(t) is not a Unix time")
            }
            guard let v = Self.number(text) else {
                throw PrometheusQueryError.malformed("sample value \"\(text.prefix(40))\" is not a number")
            }
            time = Date(timeIntervalSince1970: t)
            value = v
        }

        static func number(_ text: String) -> Double? {
            switch text {
            case "NaN": return .nan
            case "+Inf", "Inf": return .infinity
            case "-Inf": return -.infinity
            default:
                guard text.utf8.count <= 64, let v = Double(text), v.isFinite else { return nil }
                return v
            }
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let c): return "not JSON (\(c.debugDescription))"
        case DecodingError.keyNotFound(let key, let c): return "\"\(key.stringValue)\" missing at \(path(c.codingPath))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "unexpected value at \(path(c.codingPath)): \(c.debugDescription)"
        default: return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

/// Why a roll-up from Prometheus could not be made. Each message says what happened in
/// Vietnamese and English, and what to check.
public enum PrometheusQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL given on the command line is not an http(s) URL.
    case badURL(String)
    /// No connection, DNS failure, refused, timed out.
    case unreachable(url: String, reason: String)
    /// An HTTP status other than 200 (and not a Prometheus error answer).
    case httpStatus(url: String, status: Int, body: String)
    /// Prometheus answered with an error (`bad_data`, `timeout`, `execution`…).
    case queryFailed(kind: String, message: String)
    /// The answer is not what the HTTP API returns.
    case malformed(String)

    public var description: String {
        switch self {
        case .badURL(let u):
            return
                "Địa chỉ Prometheus không hợp lệ / Not a Prometheus URL: \(u) (expected http://HOST:PORT or https://…)"
        case let .unreachable(url, reason):
            return "Không kết nối được tới Prometheus / Cannot reach Prometheus at \(url): \(reason). "
                + "Check the address, that Prometheus runs, and the firewall."
        case let .httpStatus(url, status, body):
            return "Prometheus trả lời lỗi HTTP / Prometheus at \(url) answered HTTP \(status)"
                + (body.isEmpty ? "" : ": \(body)")
        case let .queryFailed(kind, message):
            return "Prometheus không thực hiện được truy vấn / Prometheus refused the query (\(kind)): \(message)"
        case .malformed(let why):
            return "Câu trả lời không phải của Prometheus / The answer is not a Prometheus query result: \(why)"
        }
    }
}
