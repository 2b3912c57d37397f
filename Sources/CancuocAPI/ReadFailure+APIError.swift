import CardService

/// The one place a `ReadFailure` becomes what an API client sees: a total mapping the
/// compiler checks; codes from `APIError.Kind`, texts from `ReadFailure` (one table, in CardService).
extension ReadFailure.Kind {
    /// The API error kind for each failure kind.
    public var apiKind: APIError.Kind {
        switch self {
        case .noReader: .noReader
        case .noCard: .noCard
        case .wrongKey: .wrongKey
        case .cardRemoved: .cardRemoved
        case .readerBusy: .readerBusy
        case .unreadableCard: .unreadableCard
        case .pcscUnavailable: .pcscUnavailable
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .badKey: .invalidParams
        case .internal: .internalError
        }
    }
}

extension ReadFailure {
    public var apiKind: APIError.Kind { kind.apiKind }

    /// The JSON-RPC error for this failure. Anything internal is reported as -32603 without its
    /// text (which is logged instead: it could hold anything).
    public func apiError(reader: String? = nil) -> APIError {
        var detail: [String: JSONValue] = [:]
        if let reader { detail["reader"] = .string(LogText.clipped(reader)) }
        if case .internal = self { return APIError(.internalError, detail: detail) }
        return APIError(apiKind, message: message, messageVi: messageVi, detail: detail)
    }
}
