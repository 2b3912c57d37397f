/// Every method of the API, by its wire name (docs/api.md documents each; a test fails when
/// one is missing there). Adding a method: a case here, its params and result types, one
/// `register` in `DaemonCore.methods`, and its section in docs/api.md.
public enum APIMethod: String, CaseIterable, Sendable {
    case hello
    case readersList = "readers.list"
    case cardRead = "card.read"
    case eventsSubscribe = "events.subscribe"
    case readerDiagnose = "reader.diagnose"
    case inventorySummary = "inventory.summary"
    case faceCheck = "face.check"
}

/// Params of a method that takes none: any object (or array) is accepted and ignored.
public struct NoParams: Decodable, Sendable {
    public init() {}
    public init(from decoder: any Decoder) throws {}
}

/// The methods a service answers, each with typed params and a typed result: params are
/// decoded once from the parsed request (a wrong one is -32602 naming the field, never its
/// value) and the result is encoded once into the response. Built once, as a static table;
/// each handler gets the service it runs on.
public struct MethodTable<Service: Sendable>: Sendable {
    private typealias Handler = @Sendable (Service, JSONValue, Connection) async throws -> JSONText
    private var handlers: [String: Handler] = [:]

    public init() {}

    public mutating func register<Params: Decodable & Sendable, Result: Encodable & Sendable>(
        _ method: APIMethod,
        _ body: @escaping @Sendable (Service, Params, Connection) async throws -> Result
    ) {
        handlers[method.rawValue] = { service, params, connection in
            try JSONText(encoding: try await body(service, try params.decodeParams(Params.self), connection))
        }
    }

    /// The registered methods' wire names.
    public var names: Set<String> { Set(handlers.keys) }

    public func respond(
        to request: JSONRPCRequest,
        on connection: Connection,
        service: Service
    ) async throws -> JSONText {
        guard let handler = handlers[request.method] else { throw APIError.methodNotFound(request.method) }
        return try await handler(service, request.params, connection)
    }
}
