#if canImport(Glibc)
import Glibc
#endif
import CancuocAPI
import CardService
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Why the API server could not start.
public enum APIServerError: Error, Sendable, Hashable {
    /// Another process accepts connections on the socket path: refuse to steal it.
    case alreadyRunning(path: String)
    /// Something other than a socket exists at the path: refuse to delete it.
    case notASocket(path: String)
    /// The path could not be probed, removed, bound or is too long (errno where known).
    case cannotUseSocketPath(path: String, errno: Int32)
    case alreadyStarted
    /// A connection arrived while stopping (never thrown by `start`).
    case stopping
}

/// The local API endpoint: a Unix stream socket speaking newline-delimited JSON-RPC 2.0
/// (docs/api-transport.md) in front of an `APIService`. An adapter: it accepts, learns who the
/// peer is from the kernel, frames lines, and hands whole messages to a `Connection`.
///
/// Under the daemon's service group it is a `Service`: `run()` listens, calls `onListening`,
/// and on graceful shutdown stops accepting, lets every connection's running requests answer
/// (`cancelled`), then closes them.
public final class APIServer: Service, Sendable {
    public let configuration: APIServerConfiguration
    private let service: any APIService
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onListening: @Sendable () -> Void
    private let state = Mutex(State())

    private struct State {
        var serverChannel: (any Channel)?
        var boundPath: String?
        var socketGroupID: UInt32?
        var connections: [UInt64: Connection] = [:]
        var nextConnectionID: UInt64 = 1
        var started = false
        var stopping = false
        var allClosed: [CheckedContinuation<Void, Never>] = []
    }

    public init(
        configuration: APIServerConfiguration,
        service: some APIService,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "cancuoc.api"),
        onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.service = service
        self.group = group
        self.logger = logger
        self.onListening = onListening
    }

    /// The connections open now.
    public var connections: [Connection] {
        state.withLock { Array($0.connections.values) }.sorted { $0.id < $1.id }
    }

    /// `Service`: listen until the group shuts down, then stop.
    public func run() async throws {
        try await start()
        onListening()
        try? await gracefulShutdown()
        await stop()
    }

    /// Start listening. With `.fileDescriptor` the socket is adopted as is; call
    /// `SocketActivation.unsetEnvironment()` afterwards so children do not inherit it.
    /// Returns warnings that did not prevent starting (group missing, not
    /// allowed to chown); they are logged too.
    @discardableResult
    public func start() async throws -> [String] {
        try state.withLock { state in
            guard !state.started else { throw APIServerError.alreadyStarted }
            state.started = true
        }
        var warnings: [String] = []
        var groupID: UInt32?
        if let name = configuration.socketGroup {
            groupID = Self.groupID(named: name)
            if groupID == nil {
                warnings.append("group \(name) does not exist: only root may subscribe to records")
            }
        }
        state.withLock { $0.socketGroupID = groupID }

        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { [self] channel in
                self.initializeChild(channel)
            }
        let channel: any Channel
        switch configuration.listen {
        case .fileDescriptor(let fd):
            channel = try await bootstrap.withBoundSocket(fd).get()
            logger.info("listening on the socket passed by systemd", metadata: ["fd": "\(fd)"])
        case .path(let path):
            try Self.removeStaleSocket(at: path)
            channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
            state.withLock { $0.boundPath = path }
            warnings += Self.applyOwnership(path: path, mode: configuration.socketMode, groupID: groupID)
            logger.info("listening", metadata: ["path": "\(path)"])
        }
        state.withLock { $0.serverChannel = channel }
        for warning in warnings {
            logger.warning("\(warning)")
        }
        return warnings
    }

    /// Close the listener; let every connection's running requests answer (they are
    /// cancelled: `cancelled`, 1009) and close it; wait (at most 5 s) until all are closed and
    /// the service was told; remove the socket file we created. Calling it again does nothing.
    public func stop() async {
        let (listener, path, open) = state.withLock { state in
            state.stopping = true
            defer {
                state.serverChannel = nil
                state.boundPath = nil
            }
            return (state.serverChannel, state.boundPath, Array(state.connections.values))
        }
        try? await listener?.close()
        for connection in open { connection.drain() }
        do {
            try await withDeadline(.seconds(5)) { await self.allConnectionsClosed() }
        } catch {
            for connection in connections { connection.close() }
            logger.warning("connections still open at shutdown were closed")
        }
        if let path {
            unlink(path)
        }
        logger.info("stopped")
    }

    private func allConnectionsClosed() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                guard !state.connections.isEmpty else { return true }
                state.allClosed.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func remove(_ connection: Connection) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.connections.removeValue(forKey: connection.id)
            guard state.connections.isEmpty else { return [] }
            defer { state.allClosed = [] }
            return state.allClosed
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: - Connections

    private enum Admission {
        case admitted(Connection, evicted: Connection?)
        case tooManyClients
        case tooManyForUser
        case stopping

        var isPerUser: Bool {
            if case .tooManyForUser = self { return true }
            return false
        }
    }

    /// `.tooManyForUser` when `uid` (not root) already has its share of connections. Called
    /// under the lock.
    private func perUserRefusal(in state: State, uid: UInt32?) -> Admission? {
        if let uid, uid != 0,
           state.connections.values.count(where: { $0.principal.credentials?.uid == uid }) >= configuration.maxClientsPerUser
        {
            return .tooManyForUser
        }
        return nil
    }

    private func initializeChild(_ channel: any Channel) -> EventLoopFuture<Void> {
        PeerCredentials.of(channel).flatMapThrowing { [self] credentials in
            let admission: Admission = state.withLock { state in
                if state.stopping { return .stopping }
                if let refused = perUserRefusal(in: state, uid: credentials?.uid) { return refused }
                var evicted: Connection?
                if state.connections.count >= configuration.maxClients {
                    evicted = state.connections.values.compactMap { c in c.idleSince.map { (c, $0) } }
                        .min { $0.1 < $1.1 }?.0
                    guard let evicted else { return .tooManyClients }
                    state.connections.removeValue(forKey: evicted.id)
                }
                let connection = Connection(
                    id: state.nextConnectionID,
                    principal: .localUser(credentials, socketGroup: state.socketGroupID),
                    transport: ChannelTransport(channel: channel), service: service,
                    limits: configuration.connectionLimits, logger: logger)
                state.nextConnectionID += 1
                state.connections[connection.id] = connection
                return .admitted(connection, evicted: evicted)
            }
            let pipeline = channel.pipeline.syncOperations
            let connection: Connection
            let peer = Principal.localUser(credentials, socketGroup: nil).logMetadata
            switch admission {
            case .admitted(let admitted, let evicted):
                connection = admitted
                if let evicted {
                    logger.notice("closing the longest-idle client to make room", metadata: evicted.logMetadata)
                    evicted.close()
                }
            case .stopping:
                throw APIServerError.stopping  // NIO closes the new connection
            case .tooManyClients, .tooManyForUser:
                let limit = admission.isPerUser ? configuration.maxClientsPerUser : configuration.maxClients
                logger.warning(admission.isPerUser ? "refusing a connection: too many for this user" : "refusing a connection: too many clients",
                               metadata: peer.merging(["limit": "\(limit)"]) { $1 })
                try pipeline.addHandler(RefuseConnectionHandler(
                    line: JSONRPCMessage.error(id: .null, APIError(.serverBusy, detail: ["limit": .int(Int64(limit))]))))
                return
            }
            logger.debug("client connected", metadata: connection.logMetadata)
            channel.closeFuture.whenComplete { [self] _ in
                Task {
                    await connection.finish()
                    remove(connection)
                    MemoryRelease.soon()
                }
            }
            if configuration.idleTimeout > .zero {
                try pipeline.addHandler(IdleStateHandler(readTimeout: Self.timeAmount(configuration.idleTimeout)))
            }
            try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(
                maxLength: configuration.maxLineLength, completionLimit: configuration.requestCompletionTimeout)))
            try pipeline.addHandler(MessageToByteHandler(LineFrameEncoder()))
            try pipeline.addHandler(ConnectionHandler(connection: connection, logger: logger))
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    // MARK: - Socket file

    private static func removeStaleSocket(at path: String) throws {
        // Create a missing parent directory (running by hand; under systemd the unit's
        // RuntimeDirectory= or socket unit provides it).
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let parent = String(path[..<slash])
            if access(parent, F_OK) != 0, mkdir(parent, 0o755) != 0, errno != EEXIST {
                throw APIServerError.cannotUseSocketPath(path: path, errno: errno)
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw APIServerError.cannotUseSocketPath(path: path, errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw APIServerError.notASocket(path: path) }
        switch UnixSocketAddress.probe(path: path) {
        case .listening:
            throw APIServerError.alreadyRunning(path: path)
        case .absent:
            return
        case .stale:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw APIServerError.cannotUseSocketPath(path: path, errno: errno)
            }
        case .failed(let code):
            throw APIServerError.cannotUseSocketPath(path: path, errno: code)
        }
    }

    private static func applyOwnership(path: String, mode: UInt32, groupID: UInt32?) -> [String] {
        var warnings: [String] = []
        if chmod(path, mode_t(mode)) != 0 {
            warnings.append("cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        }
        if let groupID, chown(path, uid_t.max, gid_t(groupID)) != 0 {
            warnings.append("cannot give \(path) to group \(groupID): \(String(cString: strerror(errno)))")
        }
        return warnings
    }

    /// Resolve a group name with getgrnam_r.
    static func groupID(named name: String) -> UInt32? {
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        let status = getgrnam_r(name, &group, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return group.gr_gid
    }
}

/// Gives freed heap back to the system a moment after connections close: glibc keeps freed
/// arenas, so without this a burst of hostile clients leaves the daemon's resident memory at
/// its peak for ever. At most once every two seconds.
enum MemoryRelease {
    private static let scheduled = Mutex(false)
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    static func soon() {
        guard scheduled.withLock({ state in defer { state = true }; return !state }) else { return }
        Task {
            try? await Task.sleep(for: .seconds(2))
            scheduled.withLock { $0 = false }
            _ = trim?(0)
        }
    }
}

/// Writes one error line to a connection we cannot serve, then closes it.
private final class RefuseConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let line: [UInt8]

    init(line: [UInt8]) {
        self.line = line
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: line.count + 1)
        buffer.writeBytes(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
