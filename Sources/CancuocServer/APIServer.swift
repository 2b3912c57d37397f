import CancuocAPI
import CardService
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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
    private let acceptor: ConnectionAcceptor

    private struct State {
        var serverChannel: (any Channel)?
        var boundPath: String?
        var socketGroupID: UInt32?
        var started = false
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
        self.acceptor = ConnectionAcceptor(limits: configuration, service: service, logger: logger)
    }

    /// The connections open now.
    public var connections: [Connection] { acceptor.connections }

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
            .serverChannelOption(.backlog, value: ConnectionAcceptor.listenBacklog)
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
    /// cancelled: `cancelled`, 1009) and close it; wait (at most
    /// `ConnectionAcceptor.shutdownGrace`) until all are closed and the service was told; remove
    /// the socket file we created. Calling it again does nothing.
    public func stop() async {
        let (listener, path) = state.withLock { state in
            defer {
                state.serverChannel = nil
                state.boundPath = nil
            }
            return (state.serverChannel, state.boundPath)
        }
        try? await listener?.close()
        await acceptor.drain()
        if let path {
            unlink(path)
        }
        logger.info("stopped")
    }

    // MARK: - Connections

    /// Learns who the peer is from the kernel, then the one accept path (`ConnectionAcceptor`)
    /// with newline framing. Root is not limited per user; a peer without credentials is only
    /// counted in the total.
    private func initializeChild(_ channel: any Channel) -> EventLoopFuture<Void> {
        PeerCredentials.of(channel).flatMapThrowing { [self] credentials in
            let socketGroup = state.withLock { $0.socketGroupID }
            try acceptor.accept(
                channel,
                principal: Principal.localUser(credentials, socketGroup: socketGroup),
                framing: LineFraming(
                    maxLength: configuration.maxLineLength,
                    completionLimit: configuration.requestCompletionTimeout
                ),
                limitedPerCaller: credentials != nil && credentials?.uid != 0
            )
        }
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

    /// Room for one group's record (name, password, members) for getgrnam_r: glibc's
    /// `sysconf(_SC_GETGR_R_SIZE_MAX)` (1024) is too small for a group with many members.
    static let groupRecordBufferSize = 16384

    /// Resolve a group name with getgrnam_r.
    static func groupID(named name: String) -> UInt32? {
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: groupRecordBufferSize)
        let status = getgrnam_r(name, &group, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return group.gr_gid
    }
}
