import CardService

/// An error as the API client sees it: a JSON-RPC error object with a stable code, an
/// English `message`, and in `data` a stable `reason` plus `messageVi` for reception staff
/// (docs/design.md §9.3). Throw it from `APIRequestHandler.handle`; anything else thrown becomes
/// `internalError` (its text is logged, not sent: it might carry personal data).
///
/// ```json
/// {"code":1002,"message":"No card on the reader","data":{"reason":"noCard","messageVi":"Chưa có thẻ trên đầu đọc"}}
/// ```
public struct APIError: Error, Sendable, Hashable {
    /// One case per thing a client can do something about. The raw value is `data.reason`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        // JSON-RPC 2.0 protocol faults.
        case parseError, invalidRequest, methodNotFound, invalidParams, internalError
        /// Implementation-defined server error (-32000): too many clients connected.
        case serverBusy
        // Application errors (docs/design.md §9.3).
        case noReader, noCard, wrongKey, cardRemoved, readerBusy, unreadableCard, pcscUnavailable, timeout,
            cancelled

        /// The stable numeric code.
        public var code: Int {
            switch self {
            case .parseError: -32700
            case .invalidRequest: -32600
            case .methodNotFound: -32601
            case .invalidParams: -32602
            case .internalError: -32603
            case .serverBusy: -32000
            case .noReader: 1001
            case .noCard: 1002
            case .wrongKey: 1003
            case .cardRemoved: 1004
            case .readerBusy: 1005
            case .unreadableCard: 1006
            case .pcscUnavailable: 1007
            case .timeout: 1008
            case .cancelled: 1009
            }
        }

        /// The read failure this code reports (1001–1009), whose sentences it takes: the inverse
        /// of `ReadFailure.Kind.apiKind` (badKey and internal report protocol codes).
        public var readFailure: ReadFailure.Kind? {
            guard code > 0 else { return nil }
            return ReadFailure.Kind.allCases.first { $0.apiKind == self }
        }

        /// The default English message: a read failure's from `ReadFailure.Kind`'s table.
        public var message: String {
            switch self {
            case .parseError: "Parse error: the request is not valid JSON"
            case .invalidRequest: "Invalid request"
            case .methodNotFound: "Method not found"
            case .invalidParams: "Invalid params"
            case .internalError: "Internal error"
            case .serverBusy: "Too many clients are connected"
            case .noReader, .noCard, .wrongKey, .cardRemoved, .readerBusy, .unreadableCard, .pcscUnavailable, .timeout,
                .cancelled:
                readFailure?.message ?? "Internal error"
            }
        }

        /// The default Vietnamese message, written for reception staff.
        public var messageVi: String {
            switch self {
            case .parseError: "Yêu cầu không đúng định dạng JSON"
            case .invalidRequest: "Yêu cầu không hợp lệ"
            case .methodNotFound: "Chức năng được yêu cầu không tồn tại"
            case .invalidParams: "Tham số của yêu cầu không hợp lệ"
            case .internalError: "Lỗi nội bộ của dịch vụ đọc thẻ"
            case .serverBusy: "Dịch vụ đọc thẻ đang có quá nhiều kết nối, vui lòng thử lại sau"
            case .noReader, .noCard, .wrongKey, .cardRemoved, .readerBusy, .unreadableCard, .pcscUnavailable, .timeout,
                .cancelled:
                readFailure?.messageVi ?? "Lỗi nội bộ của dịch vụ đọc thẻ"
            }
        }
    }

    public var kind: Kind
    /// English message; defaults to `kind.message`.
    public var message: String
    /// Vietnamese message; defaults to `kind.messageVi`.
    public var messageVi: String
    /// Extra members of `data` (for example `{"reader":"…"}`); `reason` and `messageVi`
    /// always win over keys of the same name. Never put personal data here.
    public var detail: [String: JSONValue]

    public init(_ kind: Kind, message: String? = nil, messageVi: String? = nil, detail: [String: JSONValue] = [:]) {
        self.kind = kind
        self.message = message ?? kind.message
        self.messageVi = messageVi ?? kind.messageVi
        self.detail = detail
    }

    public var code: Int { kind.code }
    public var reason: String { kind.rawValue }

    /// The JSON-RPC `error` object.
    public var jsonValue: JSONValue {
        var data = detail
        data["reason"] = .string(reason)
        data["messageVi"] = .string(messageVi)
        return ["code": .int(Int64(code)), "message": .string(message), "data": .object(data)]
    }
}

extension APIError {
    public static var parseError: APIError { APIError(.parseError) }
    public static var internalError: APIError { APIError(.internalError) }
    public static var noReader: APIError { APIError(.noReader) }
    public static var noCard: APIError { APIError(.noCard) }
    public static var wrongKey: APIError { APIError(.wrongKey) }
    public static var cardRemoved: APIError { APIError(.cardRemoved) }
    public static var readerBusy: APIError { APIError(.readerBusy) }
    public static var unreadableCard: APIError { APIError(.unreadableCard) }
    public static var pcscUnavailable: APIError { APIError(.pcscUnavailable) }
    public static var timeout: APIError { APIError(.timeout) }
    public static var cancelled: APIError { APIError(.cancelled) }

    /// -32600 with what was wrong in English (`data.detail`).
    public static func invalidRequest(_ detail: String) -> APIError {
        APIError(.invalidRequest, message: "Invalid request: \(detail)")
    }

    /// -32601 naming the method in `data.method`, cut to 64 characters (an error never
    /// echoes more of the client's input than that: docs/api-transport.md).
    public static func methodNotFound(_ method: String) -> APIError {
        APIError(.methodNotFound, detail: ["method": .string(LogText.clipped(method))])
    }

    /// -32602 saying which parameter is wrong (never its value).
    public static func invalidParams(_ detail: String) -> APIError {
        APIError(.invalidParams, message: "Invalid params: \(detail)")
    }

    /// -32600 for a line longer than the server's limit.
    public static func requestTooLarge(limit: Int) -> APIError {
        APIError(
            .invalidRequest,
            message: "Invalid request: request too large (limit \(limit) bytes)",
            messageVi: "Yêu cầu quá lớn",
            detail: ["limit": .int(Int64(limit))]
        )
    }
}
