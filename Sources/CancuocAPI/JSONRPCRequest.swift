/// One validated JSON-RPC 2.0 request (or client notification) read from a line.
///
/// Batches (a JSON array at top level) are refused with -32600: no HIS needs them and they
/// would complicate per-request logging and cancellation (docs/api-transport.md).
public struct JSONRPCRequest: Sendable {
    /// `.int`, `.string` or `.null`; `nil` for a notification (no `id` member): no response.
    public var id: JSONValue?
    public var method: String
    /// `{}` when absent.
    public var params: JSONValue

    public init(id: JSONValue?, method: String, params: JSONValue = [:]) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// A request that could not be accepted, with the id to answer (`null` when unknown).
    struct Rejection: Error, Sendable {
        var id: JSONValue
        var error: APIError
    }

    static func parse(_ bytes: some Collection<UInt8>, parser: JSONParser) -> Result<JSONRPCRequest, Rejection> {
        let document: JSONValue
        do {
            document = try parser.parse(bytes)
        } catch {
            return .failure(
                Rejection(id: .null, error: APIError(.parseError, detail: ["detail": .string(error.description)]))
            )
        }
        guard case .object(let members) = document else {
            if case .array = document {
                return .failure(Rejection(id: .null, error: .invalidRequest("batch requests are not supported")))
            }
            return .failure(Rejection(id: .null, error: .invalidRequest("a request must be a JSON object")))
        }
        var id: JSONValue?
        switch members["id"] {
        case nil: id = nil
        case .some(let value):
            switch value {
            case .int, .string, .null: id = value
            default:
                return .failure(Rejection(id: .null, error: .invalidRequest("id must be a string, an integer or null")))
            }
        }
        let answerID = id ?? .null
        guard members["jsonrpc"] == .string("2.0") else {
            return .failure(Rejection(id: answerID, error: .invalidRequest(#"jsonrpc must be "2.0""#)))
        }
        guard case .string(let method) = members["method"] else {
            return .failure(Rejection(id: answerID, error: .invalidRequest("method must be a string")))
        }
        let params: JSONValue
        switch members["params"] {
        case nil: params = .object([:])
        case .some(let value):
            switch value {
            case .object, .array: params = value
            default:
                return .failure(Rejection(id: answerID, error: .invalidParams("params must be an object or an array")))
            }
        }
        return .success(JSONRPCRequest(id: id, method: method, params: params))
    }
}

/// The lines the server writes: responses and notifications, members in the order of the
/// JSON-RPC specification's examples, each a single line without the trailing newline.
package enum JSONRPCMessage {
    static func result(id: JSONValue, _ result: JSONText) -> [UInt8] {
        var bytes = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
        id.write(into: &bytes)
        bytes.append(contentsOf: #","result":"#.utf8)
        bytes.append(contentsOf: result.bytes)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    package static func error(id: JSONValue, _ error: APIError) -> [UInt8] {
        var bytes = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
        id.write(into: &bytes)
        bytes.append(contentsOf: #","error":"#.utf8)
        error.jsonValue.write(into: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    package static func notification(method: String, params: JSONText) -> [UInt8] {
        var bytes = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
        JSONValue.writeString(method, into: &bytes)
        bytes.append(contentsOf: #","params":"#.utf8)
        bytes.append(contentsOf: params.bytes)
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
