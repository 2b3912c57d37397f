#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
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
/// (design.md §6, §9.7; docs/api-transport.md) in front of an `APIRequestHandler`.
///
/// ```swift
/// let server = APIServer(configuration: .init(listen: .systemdOrPath("/run/cancuoc/api.sock")),
///                        handler: core)
/// for warning in try await server.start() { print(warning) }
/// …
/// await server.stop()
/// ```
public final class APIServer: Sendable {
    public let configuration: APIServerConfiguration
    private let handler: any APIRequestHandler
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var serverChannel: (any Channel)?
        var boundPath: String?
        var socketGroupID: UInt32?
        var clients: [UInt64: APIClient] = [:]
        var nextClientID: UInt64 = 1
        var started = false
        var stopping = false
    }

    public init(
        configuration: APIServerConfiguration,
        handler: some APIRequestHandler,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "cancuoc.api")
    ) {
        self.configuration = configuration
        self.handler = handler
        self.group = group
        self.logger = logger
    }

    /// The clients connected now (for broadcasting events).
    public var clients: [APIClient] {
        state.withLock { Array($0.clients.values) }.sorted { $0.id < $1.id }
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

    /// Close the listener, then every client (their in-flight requests are cancelled and
    /// the handler is told), then remove the socket file we created. Calling it again does
    /// nothing.
    public func stop() async {
        let (listener, path) = state.withLock { state in
            state.stopping = true
            defer {
                state.serverChannel = nil
                state.boundPath = nil
            }
            return (state.serverChannel, state.boundPath)
        }
        try? await listener?.close()
        let clients = state.withLock { Array($0.clients.values) }
        for client in clients { client.close() }
        // Wait until every client's close has been processed (handler notified).
        for _ in 0..<500 where !state.withLock({ $0.clients.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if let path {
            unlink(path)
        }
        logger.info("stopped")
    }

    // MARK: - Connections

    private enum Admission {
        case admitted(APIClient)
        case tooManyClients
        case stopping
    }

    private func initializeChild(_ channel: any Channel) -> EventLoopFuture<Void> {
        PeerCredentials.of(channel).flatMapThrowing { [self] credentials in
            let admission: Admission = state.withLock { state in
                if state.stopping { return .stopping }
                guard state.clients.count < configuration.maxClients else { return .tooManyClients }
                let client = APIClient(
                    id: state.nextClientID, channel: channel, credentials: credentials,
                    socketGroup: state.socketGroupID,
                    maxQueuedMessages: configuration.maxQueuedMessagesPerClient, logger: logger)
                state.nextClientID += 1
                state.clients[client.id] = client
                return .admitted(client)
            }
            var peer: Logger.Metadata = [:]
            if let credentials {
                peer["uid"] = "\(credentials.uid)"
                peer["pid"] = "\(credentials.pid)"
            }
            let pipeline = channel.pipeline.syncOperations
            let client: APIClient
            switch admission {
            case .admitted(let admitted):
                client = admitted
            case .stopping:
                throw APIServerError.stopping  // NIO closes the new connection
            case .tooManyClients:
                peer["limit"] = "\(configuration.maxClients)"
                logger.warning("refusing a connection: too many clients", metadata: peer)
                try pipeline.addHandler(RefuseConnectionHandler(
                    line: JSONRPCMessage.error(id: .null, APIError(
                        .serverBusy, detail: ["limit": .int(Int64(configuration.maxClients))]))))
                return
            }
            peer["client"] = "\(client.id)"
            logger.debug("client connected", metadata: peer)
            channel.closeFuture.whenComplete { [self] _ in
                client.connectionClosed()
                Task {
                    await handler.clientDisconnected(client)
                    _ = state.withLock { $0.clients.removeValue(forKey: client.id) }
                }
            }
            if configuration.idleTimeout > .zero {
                try pipeline.addHandler(IdleStateHandler(readTimeout: Self.timeAmount(configuration.idleTimeout)))
            }
            try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: configuration.maxLineLength)))
            try pipeline.addHandler(APIConnectionHandler(
                client: client, handler: handler,
                limits: .init(maxLineLength: configuration.maxLineLength,
                              maxRequestsInFlight: configuration.maxRequestsInFlightPerClient),
                logger: logger))
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
