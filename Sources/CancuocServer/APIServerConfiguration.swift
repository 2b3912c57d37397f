import CancuocAPI

/// How `APIServer` listens and the limits it enforces on clients (docs/api-transport.md).
public struct APIServerConfiguration: Sendable {
    /// Where the listening socket comes from.
    public enum Listen: Sendable, Hashable {
        /// Bind this path ourselves (stale socket files are removed, a live daemon is not).
        case path(String)
        /// Adopt an already bound and listening Unix stream socket, as systemd socket
        /// activation passes it (fd 3). Mode and group are then the socket unit's business.
        case fileDescriptor(Int32)

        /// The systemd-activated socket when there is one for this process, else `path`.
        public static func systemdOrPath(
            _ path: String,
            environment: [String: String] = SocketActivation.processEnvironment
        ) -> Listen {
            let passed = SocketActivation.namedListenFileDescriptors(environment: environment)
            if let fd = SocketActivation.split(passed).unix.first {
                return .fileDescriptor(fd)
            }
            return .path(path)
        }
    }

    public var listen: Listen
    /// Group given to the socket file (docs/design.md §6); members may subscribe to records.
    /// `nil`: leave the group alone.
    public var socketGroup: String?
    /// Permission bits of the socket file.
    public var socketMode: UInt32
    /// Longest accepted request line in bytes, without its newline.
    public var maxLineLength: Int
    /// Connections at once; beyond it a newcomer gets one -32000 error line and is closed.
    /// With `maxClientsPerUser` below it and `requestCompletionTimeout`, one local user cannot
    /// keep the HIS out.
    public var maxClients: Int
    /// Connections of one user (uid) at once, so one local user cannot take every slot;
    /// root is not limited.
    public var maxClientsPerUser: Int
    /// A request line must be complete this long after its first byte, else the connection
    /// is answered -32600 and closed (a trickling client cannot hold a slot).
    public var requestCompletionTimeout: Duration
    /// A client that sends nothing, has nothing in flight and is not subscribed is closed
    /// after this long. `.zero` disables the timeout.
    public var idleTimeout: Duration
    /// Lines (responses and notifications) that may wait for one client's socket before
    /// that client is disconnected as not reading.
    public var maxQueuedMessagesPerClient: Int
    /// Bytes (responses and notifications) that may wait for one client's socket before that
    /// client is disconnected as not reading.
    public var maxQueuedBytesPerClient: Int
    /// Requests of one client handled at the same time; more get -32000.
    public var maxRequestsInFlightPerClient: Int

    /// What each connection enforces.
    public var connectionLimits: Connection.Limits {
        var limits = Connection.Limits()
        limits.maxMessageLength = maxLineLength
        limits.maxRequestsInFlight = maxRequestsInFlightPerClient
        limits.maxQueuedMessages = maxQueuedMessagesPerClient
        limits.maxQueuedBytes = maxQueuedBytesPerClient
        return limits
    }

    /// The defaults of every limit: the daemon's configuration takes its defaults from here.
    public static let defaults = APIServerConfiguration()

    public init(
        listen: Listen = .path("/run/cancuoc/api.sock"),
        socketGroup: String? = "cancuoc",
        socketMode: UInt32 = 0o660,
        maxLineLength: Int = 64 * 1024,
        maxClients: Int = 256,
        maxClientsPerUser: Int = 64,
        requestCompletionTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(300),
        maxQueuedMessagesPerClient: Int = 1024,
        maxRequestsInFlightPerClient: Int = 64,
        maxQueuedBytesPerClient: Int = 8 << 20
    ) {
        self.listen = listen
        self.socketGroup = socketGroup
        self.socketMode = socketMode
        self.maxLineLength = maxLineLength
        self.maxClients = maxClients
        self.maxClientsPerUser = maxClientsPerUser
        self.requestCompletionTimeout = requestCompletionTimeout
        self.idleTimeout = idleTimeout
        self.maxQueuedMessagesPerClient = maxQueuedMessagesPerClient
        self.maxRequestsInFlightPerClient = maxRequestsInFlightPerClient
        self.maxQueuedBytesPerClient = maxQueuedBytesPerClient
    }
}
