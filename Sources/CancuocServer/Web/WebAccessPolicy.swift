/// Who may use the browser API (docs/security.md): decided from the request's `Host` and
/// `Origin` headers, before any WebSocket upgrade, and from nothing the page says later.
///
/// - `Host` must name the loopback address and port the connection arrived on (or
///   `localhost` with that port): a DNS-rebinding page whose own name resolves to 127.0.0.1
///   sends its own name and is refused.
/// - `Origin` is required on `/api` and must equal an allowed origin exactly (scheme, host,
///   port). The reception page served on this port is always allowed (same origin).
/// - `records: true` (reads started by a scanner) only for origins listed for it.
public struct WebAccessPolicy: Sendable, Hashable {
    /// Normalized origins (`https://his.example.vn`, `http://127.0.0.1:8080`).
    public var allowedOrigins: Set<String>
    /// Origins whose pages may subscribe with `"records": true`; each is also allowed.
    public var recordsOrigins: Set<String>

    public init(allowedOrigins: some Sequence<String> = [], recordsOrigins: some Sequence<String> = []) {
        self.recordsOrigins = Set(recordsOrigins)
        self.allowedOrigins = Set(allowedOrigins).union(self.recordsOrigins)
    }

    /// Why a request was refused: the HTTP status and a line for the log (client input in it
    /// escaped with `LogText.quoted` by the caller).
    public enum Refusal: Sendable, Hashable {
        /// `Host` is missing or not our loopback address and port (DNS rebinding).
        case foreignHost
        /// `/api` without `Origin` (a local program should use the Unix socket).
        case missingOrigin
        /// `Origin` not allowed.
        case originNotAllowed
    }

    /// What a request to `/api` may do.
    public enum Decision: Sendable, Hashable {
        case allowed(origin: String, mayReceiveRecords: Bool)
        case refused(Refusal)
    }

    /// The `Host` values that name the listener a connection arrived on.
    public static func acceptedHosts(localAddress: String, port: Int) -> Set<String> {
        var hosts: Set<String> = [localAddress.contains(":") ? "[\(localAddress)]:\(port)" : "\(localAddress):\(port)"]
        if localAddress == "127.0.0.1" || localAddress == "::1" || localAddress == "::ffff:127.0.0.1" {
            hosts.insert("localhost:\(port)")
        }
        if localAddress == "::ffff:127.0.0.1" { hosts.insert("127.0.0.1:\(port)") }
        return hosts
    }

    /// Whether `host` (the `Host` header) names this listener. Case-insensitive, as DNS names are.
    public static func hostIsOurs(_ host: String?, localAddress: String, port: Int) -> Bool {
        guard let host else { return false }
        return acceptedHosts(localAddress: localAddress, port: port).contains(host.lowercased())
    }

    /// The decision for a WebSocket request on `/api`. `host` has been checked with `hostIsOurs`.
    public func decide(host: String?, origin: String?, localAddress: String, port: Int) -> Decision {
        guard let host, Self.hostIsOurs(host, localAddress: localAddress, port: port) else {
            return .refused(.foreignHost)
        }
        guard let origin, !origin.isEmpty else { return .refused(.missingOrigin) }
        // The reception page: served by us on the very address the browser used.
        if origin == "http://" + host.lowercased() {
            return .allowed(origin: origin, mayReceiveRecords: recordsOrigins.contains(origin))
        }
        guard allowedOrigins.contains(origin) else { return .refused(.originNotAllowed) }
        return .allowed(origin: origin, mayReceiveRecords: recordsOrigins.contains(origin))
    }

    /// An origin as a browser sends it: `scheme://host[:port]`, lower case, no default port, no
    /// path or trailing slash. `nil` for anything else (`*`, `null`, a path, a user name).
    public static func normalizedOrigin(_ text: String) -> String? {
        var rest = Substring(text)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let separator = rest.range(of: "://") else { return nil }
        let scheme = rest[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let authority = rest[separator.upperBound...].lowercased()
        guard !authority.isEmpty,
            authority.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]".contains($0)) })
        else { return nil }
        var hostPart = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let value = Int(authority[authority.index(after: colon)...]), (1...65535).contains(value) else {
                return nil
            }
            hostPart = authority[..<colon]
            port = value
        }
        guard !hostPart.isEmpty else { return nil }
        if (scheme == "http" && port == 80) || (scheme == "https" && port == 443) { port = nil }
        return "\(scheme)://\(hostPart)" + (port.map { ":\($0)" } ?? "")
    }
}
