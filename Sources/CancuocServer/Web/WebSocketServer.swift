import CancuocAPI
import CardService
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import ServiceLifecycle
import Synchronization

/// The browser endpoint (docs/security.md): `ws://127.0.0.1:PORT/api`, one JSON-RPC message per text
/// frame, in front of the same `APIService` as the Unix socket — another adapter of
/// `Connection`, not a second daemon. HTTP on the same port serves the reception page and
/// `cancuoc.js`.
///
/// Built on swift-nio's own NIOHTTP1 and NIOWebSocket: swift-nio is already the transport of
/// the Unix socket, so the WebSocket shares its event loops, `ChannelTransport` and
/// `ConnectionHandler` and adds no package (Hummingbird's or Vapor's WebSocket would bring a
/// framework and several packages for one route).
///
/// Who may connect is decided before the upgrade (`WebAccessPolicy`): a foreign `Host`, a
/// missing or unlisted `Origin` get HTTP 403 and never a WebSocket.
public final class WebSocketServer: Service, Sendable {
    public static let apiPath = "/api"
    /// The reception page's settings (how long a record stays on screen).
    public static let settingsPath = "/reception-settings.json"
    /// Browser clients are numbered apart from the Unix socket's in the logs.
    public static let firstConnectionID: UInt64 = 1_000_001

    public let configuration: WebServerConfiguration
    private let service: any APIService
    private let group: any EventLoopGroup
    private let logger: Logger
    private let onListening: @Sendable () -> Void
    private let state = Mutex(State())
    private let table = ConnectionTable(firstID: WebSocketServer.firstConnectionID)

    private struct State {
        var serverChannels: [any Channel] = []
        var openChannels = 0
        var started = false
        var stopping = false
    }

    public init(
        configuration: WebServerConfiguration,
        service: some APIService,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "cancuoc.web"),
        onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.service = service
        self.group = group
        self.logger = logger
        self.onListening = onListening
    }

    /// The WebSocket connections open now.
    public var connections: [Connection] { table.all }

    /// Where each listener is bound (port 0 in the configuration becomes the real port).
    public var boundAddresses: [WebListenAddress] {
        state.withLock { $0.serverChannels }.compactMap { channel in
            guard let address = channel.localAddress, let host = address.ipAddress, let port = address.port else {
                return nil
            }
            return try? WebListenAddress(host: host, port: port)
        }
    }

    public func run() async throws {
        try await start()
        onListening()
        try? await gracefulShutdown()
        await stop()
    }

    public func start() async throws {
        try state.withLock { state in
            guard !state.started else { throw APIServerError.alreadyStarted }
            state.started = true
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.initializeChild(channel) }
            }
        var channels: [any Channel] = []
        do {
            for listen in configuration.listen {
                switch listen {
                case .address(let address):
                    channels.append(try await bootstrap.bind(host: address.host, port: address.port).get())
                case .fileDescriptor(let fd):
                    channels.append(try await bootstrap.withBoundSocket(fd).get())
                }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        state.withLock { $0.serverChannels = channels }
        for address in boundAddresses {
            logger.info(
                "listening for browsers",
                metadata: ["address": "\(address)", "api": "ws://\(address)\(Self.apiPath)"]
            )
        }
    }

    /// Close the listeners, drain every WebSocket connection like the Unix socket's, wait at
    /// most 5 s, then close what is left.
    public func stop() async {
        let listeners = state.withLock { state in
            state.stopping = true
            defer { state.serverChannels = [] }
            return state.serverChannels
        }
        for listener in listeners { try? await listener.close() }
        await table.drain(within: .seconds(5), logger: logger)
        logger.info("stopped listening for browsers")
    }

    // MARK: - Connections

    /// Every TCP connection: HTTP first; `/api` with an allowed Host and Origin upgrades.
    private func initializeChild(_ channel: any Channel) throws {
        let limits = configuration.limits
        let admitted = state.withLock { state in
            // HTTP requests for the page count too: at most a few more than the WebSocket clients.
            guard !state.stopping, state.openChannels < limits.maxClients + 16 else { return false }
            state.openChannels += 1
            return true
        }
        guard admitted else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in state.withLock { $0.openChannels -= 1 } }
        let localAddress = channel.localAddress?.ipAddress ?? "127.0.0.1"
        let port = channel.localAddress?.port ?? 0
        let access = configuration.access
        let http = WebHTTPHandler(configuration: configuration, localAddress: localAddress, port: port, logger: logger)
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: limits.maxLineLength + 1,
            automaticErrorHandling: false,
            shouldUpgrade: { channel, head in
                let path = head.uri.prefix { $0 != "?" && $0 != "#" }
                guard path == Self.apiPath,
                    case .allowed = access.decide(
                        host: head.headers.first(name: "host"),
                        origin: head.headers.first(name: "origin"),
                        localAddress: localAddress,
                        port: port
                    )
                else {
                    return channel.eventLoop.makeSucceededFuture(nil)  // WebHTTPHandler answers 403
                }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
            },
            upgradePipelineHandler: { [self] channel, head in
                channel.eventLoop.makeCompletedFuture {
                    guard
                        case .allowed(let origin, let mayReceiveRecords) = access.decide(
                            host: head.headers.first(name: "host"),
                            origin: head.headers.first(name: "origin"),
                            localAddress: localAddress,
                            port: port
                        )
                    else { throw APIServerError.stopping }
                    try self.startConnection(
                        on: channel,
                        principal: Principal(origin: origin, mayReceiveRecords: mayReceiveRecords)
                    )
                }
            }
        )
        let pipeline = channel.pipeline.syncOperations
        // A connection that has not become a WebSocket within 10 s of silence is closed: an
        // idle TCP connection must not hold one of the few HTTP slots.
        let httpIdle = IdleStateHandler(readTimeout: .seconds(10))
        let httpIdleCloser = CloseOnIdleHandler()
        let bound = NIOLoopBound((http, httpIdle, httpIdleCloser), eventLoop: channel.eventLoop)
        try pipeline.addHandler(httpIdle)
        try pipeline.configureHTTPServerPipeline(
            withServerUpgrade: (
                upgraders: [upgrader],
                completionHandler: { context in
                    let (http, idle, closer) = bound.value
                    context.pipeline.syncOperations.removeHandler(http, promise: nil)
                    context.pipeline.syncOperations.removeHandler(idle, promise: nil)
                    context.pipeline.syncOperations.removeHandler(closer, promise: nil)
                }
            ),
            withErrorHandling: true
        )
        try pipeline.addHandler(http)
        try pipeline.addHandler(httpIdleCloser)
    }

    /// An upgraded WebSocket: admitted (at most `maxClients`, and `maxClientsPerUser` per origin
    /// so one website — or a local program sending one origin — cannot keep the HIS out) or
    /// refused the way the Unix socket refuses, in a text frame, then closed with 1013.
    private func startConnection(on channel: any Channel, principal: Principal) throws {
        let limits = configuration.limits
        let pipeline = channel.pipeline.syncOperations
        // NIO's upgrader installed its frame decoder; ours wraps it with the completion limit.
        pipeline.removeHandler(
            context: try pipeline.context(handlerType: ByteToMessageHandler<WebSocketFrameDecoder>.self),
            promise: nil
        )
        try pipeline.addHandler(
            ByteToMessageHandler(
                WebSocketFrameLimitDecoder(
                    maxFrameSize: limits.maxLineLength + 1,
                    completionLimit: limits.requestCompletionTimeout
                )
            )
        )
        let admission = table.admit(principal, maxClients: limits.maxClients, maxPerCaller: limits.maxClientsPerUser) {
            id in
            Connection(
                id: id,
                principal: principal,
                transport: ChannelTransport(channel: channel),
                service: service,
                limits: limits.connectionLimits,
                logger: logger
            )
        }
        let connection: Connection
        switch admission {
        case .admitted(let admitted):
            connection = admitted
        case .stopping:
            throw APIServerError.stopping
        case .refused(let refusal):
            let limit = refusal == .tooManyForCaller ? limits.maxClientsPerUser : limits.maxClients
            logger.warning(
                "refusing a browser connection: \(refusal.logMessage)",
                metadata: principal.logMetadata.merging(["limit": "\(limit)"]) { $1 }
            )
            try pipeline.addHandler(
                WebSocketRefusalHandler(
                    message: JSONRPCMessage.error(id: .null, refusal.error(for: principal, limit: limit)),
                    reason: refusal == .tooManyForCaller ? "too many connections from this origin" : "too many clients"
                )
            )
            return
        }
        logger.debug("browser client connected", metadata: connection.logMetadata)
        channel.closeFuture.whenComplete { [self] _ in
            Task {
                await connection.finish()
                table.remove(connection)
            }
        }
        if limits.idleTimeout > .zero {
            try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(limits.idleTimeout)))
        }
        try pipeline.addHandler(
            NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 1,
                maxAccumulatedFrameCount: 1024,
                maxAccumulatedFrameSize: limits.maxLineLength
            )
        )
        try pipeline.addHandler(WebSocketMessageCodec())
        try pipeline.addHandler(ConnectionHandler(connection: connection, logger: logger))
    }
}

/// Tells a WebSocket client it cannot be served — the Unix socket's one error message, in a
/// text frame — and closes with 1013 (try again later) and a short reason a page can read
/// (`CloseEvent.reason`).
final class WebSocketRefusalHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    private let message: [UInt8]
    private let reason: String

    init(message: [UInt8], reason: String) {
        self.message = message
        self.reason = reason
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let allocator = context.channel.allocator
        context.write(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: allocator.buffer(bytes: message))),
            promise: nil
        )
        var close = allocator.buffer(capacity: 2 + reason.utf8.count)
        close.write(webSocketErrorCode: .unknown(1013))
        close.writeString(reason)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: close)))
            .whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Closes an HTTP connection that sent nothing for a while (before any upgrade).
final class CloseOnIdleHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
