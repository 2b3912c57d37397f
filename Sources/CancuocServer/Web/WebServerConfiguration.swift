import CancuocAPI

/// How `WebSocketServer` listens, whom it lets in and what it serves (docs/api-transport.md
/// § WebSocket). The limits are the Unix socket's (`APIServerConfiguration`): one JSON-RPC
/// message per text frame, as long as a line may be.
public struct WebServerConfiguration: Sendable {
    public enum Listen: Sendable, Hashable {
        /// Bind this loopback address ourselves.
        case address(WebListenAddress)
        /// Adopt a bound, listening TCP socket passed by systemd (`cancuocd-web.socket`): the
        /// daemon itself keeps `PrivateNetwork=yes` and `RestrictAddressFamilies=AF_UNIX`.
        case fileDescriptor(Int32)
    }

    public var listen: [Listen]
    public var access: WebAccessPolicy
    /// The page, its script and `cancuoc.js`, loaded once at start.
    public var files: WebStaticFiles
    /// Seconds the reception page keeps a record on screen without activity.
    public var pageClearSeconds: Int
    /// Limits shared with the Unix socket: message length, clients, idle time, queues.
    public var limits: APIServerConfiguration

    public init(
        listen: [Listen],
        access: WebAccessPolicy,
        files: WebStaticFiles = WebStaticFiles(),
        pageClearSeconds: Int = 120,
        limits: APIServerConfiguration = APIServerConfiguration()
    ) {
        self.listen = listen
        self.access = access
        self.files = files
        self.pageClearSeconds = pageClearSeconds
        self.limits = limits
    }
}
