/// What the daemon core implements; `APIServer` calls it for each request.
///
/// The server owns framing, JSON-RPC validation, limits and logging; the handler only sees
/// well-formed requests, so method semantics live in one place (the core) and transport
/// rules in another (this folder).
public protocol APIRequestHandler: Sendable {
    /// Handle one request and return its `result`. Throw `APIError` for application errors
    /// (unknown methods: `APIError.methodNotFound(method)`); anything else thrown becomes
    /// -32603. Requests of one client run concurrently; the task is cancelled when the client
    /// disconnects. `params` is `{}` when the request had none. `client` identifies the
    /// connection (personal-data routing, cancellation, subscriptions).
    func handle(method: String, params: JSONValue, client: APIClient) async throws -> JSONValue

    /// The client went away (cancel its reads, drop its subscriptions). Called once per
    /// client, after its in-flight requests were cancelled.
    func clientDisconnected(_ client: APIClient) async
}
