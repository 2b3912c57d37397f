/// The one place a `ReadFailure` becomes what an API client sees (design.md §9.3).
extension ReadFailure {
    /// The JSON-RPC error for this failure. The reason strings of `ReadFailure` are the API's
    /// `data.reason` for 1001–1009; a malformed key is invalid params; anything internal is
    /// reported as -32603 without its text (which is logged instead: it could hold anything).
    public func apiError(reader: String? = nil) -> APIError {
        var detail: [String: JSONValue] = [:]
        if let reader { detail["reader"] = .string(reader) }
        switch self {
        case .badKey:
            return APIError(.invalidParams, message: message, messageVi: messageVi, detail: detail)
        case .internal:
            return APIError(.internalError, detail: detail)
        default:
            guard let kind = APIError.Kind(rawValue: reason), kind.code == apiCode else {
                return APIError(.internalError, detail: detail)
            }
            return APIError(kind, message: message, messageVi: messageVi, detail: detail)
        }
    }
}
