import CancuocAPI
import Logging
import NIOCore

/// What a transport adds to the one accept path (`ConnectionAcceptor`): how messages are
/// framed on its channel and how a client that cannot be served is told. Everything else —
/// admission, the `Connection`, the close hook, the idle handler, `ConnectionHandler`, giving
/// memory back after a close, the drain at shutdown — is the acceptor's, the same for every
/// transport. A new transport is one of these plus its listener (docs/design.md §11).
protocol ConnectionFraming: Sendable {
    /// Put in the transport's log lines ("refusing a browser connection"): `""` for the Unix
    /// socket, `"browser "` for the WebSocket.
    var logPrefix: String { get }
    /// The handlers between the channel and `ConnectionHandler`, in pipeline order: inbound
    /// they hand up `InboundMessage`s, outbound they frame the `ByteBuffer` messages
    /// `ChannelTransport` writes. Made on the channel's event loop, once per admitted client.
    func messageHandlers() -> [any ChannelHandler]
    /// Writes `message` (the -32000 error line of `ConnectionTable.Refusal`) to a client that
    /// was refused, the way the transport frames it, then closes the channel.
    func refusalHandler(message: [UInt8], refusal: ConnectionTable.Refusal) -> any ChannelHandler
}

/// The one accept path of every transport (docs/design.md §6): admit the client through a
/// `ConnectionTable` (at most `maxClients`, and `maxClientsPerUser` per caller) or refuse it
/// with the same -32000 error; make its `Connection` over a `ChannelTransport`; add the idle
/// timeout, the transport's framing and `ConnectionHandler`; when the channel closes, finish
/// the connection, free its slot and give freed memory back (`MemoryRelease`); at shutdown,
/// drain every connection.
///
/// Kept in NIO's ChannelHandler style rather than `NIOAsyncChannel`: `Connection` is driven by
/// callbacks and owns its bounded outbound queue, every framing handler has one job and is
/// tested on `EmbeddedChannel`, and the refusals and close frames are written byte for byte by
/// handlers (docs/issue notes: issue-25-acceptor.md).
final class ConnectionAcceptor: Sendable {
    /// Connections the kernel queues before we accept them (`listen(2)` backlog), for every
    /// listener.
    static let listenBacklog: Int32 = 256
    /// How long running requests may take to answer `cancelled` at shutdown before the
    /// connections still open are closed.
    static let shutdownGrace: Duration = .seconds(5)

    /// The limits every connection of this transport gets (docs/api-transport.md § Limits).
    let limits: APIServerConfiguration
    private let table: ConnectionTable
    private let service: any APIService
    private let logger: Logger
    private let releaseMemory: @Sendable () -> Void

    /// - Parameters:
    ///   - firstConnectionID: where this transport's connection numbers start (in the logs).
    ///   - releaseMemory: runs after each connection has finished; `MemoryRelease.soon` in the
    ///     daemon, a counter in tests.
    init(
        limits: APIServerConfiguration,
        service: any APIService,
        firstConnectionID: UInt64 = 1,
        logger: Logger,
        releaseMemory: @escaping @Sendable () -> Void = MemoryRelease.soon
    ) {
        self.limits = limits
        self.service = service
        self.table = ConnectionTable(firstID: firstConnectionID)
        self.logger = logger
        self.releaseMemory = releaseMemory
    }

    /// The connections open now, oldest first.
    var connections: [Connection] { table.all }

    /// Serve or refuse the client on `channel` (on its event loop, with the transport's framing
    /// already able to write: for a WebSocket, after the upgrade). `limitedPerCaller: false`
    /// exempts the caller from `maxClientsPerUser` (root, or a peer without credentials, on the
    /// Unix socket). Throws `APIServerError.stopping` while shutting down: NIO closes the channel.
    func accept(
        _ channel: any Channel,
        principal: Principal,
        framing: some ConnectionFraming,
        limitedPerCaller: Bool = true
    ) throws {
        let admission = table.admit(
            principal,
            maxClients: limits.maxClients,
            maxPerCaller: limitedPerCaller ? limits.maxClientsPerUser : nil
        ) { id in
            Connection(
                id: id,
                principal: principal,
                transport: ChannelTransport(channel: channel),
                service: service,
                limits: limits.connectionLimits,
                logger: logger
            )
        }
        let pipeline = channel.pipeline.syncOperations
        let connection: Connection
        switch admission {
        case .admitted(let admitted):
            connection = admitted
        case .stopping:
            throw APIServerError.stopping
        case .refused(let refusal):
            let limit = refusal == .tooManyForCaller ? limits.maxClientsPerUser : limits.maxClients
            logger.warning(
                "refusing a \(framing.logPrefix)connection: \(refusal.logMessage)",
                metadata: principal.logMetadata.merging(["limit": "\(limit)"]) { $1 }
            )
            let message = JSONRPCMessage.error(id: .null, refusal.error(for: principal, limit: limit))
            try pipeline.addHandler(framing.refusalHandler(message: message, refusal: refusal))
            return
        }
        logger.debug("\(framing.logPrefix)client connected", metadata: connection.logMetadata)
        channel.closeFuture.whenComplete { [self] _ in
            Task {
                await connection.finish()
                table.remove(connection)
                releaseMemory()
            }
        }
        if limits.idleTimeout > .zero {
            try pipeline.addHandler(IdleStateHandler(readTimeout: TimeAmount(limits.idleTimeout)))
        }
        try pipeline.addHandlers(framing.messageHandlers())
        try pipeline.addHandler(ConnectionHandler(connection: connection, logger: logger))
    }

    /// Stop admitting, let every connection's running requests answer (`cancelled`) and close
    /// it; wait at most `shutdownGrace`, then close what is left.
    func drain() async {
        await table.drain(within: Self.shutdownGrace, logger: logger)
    }
}
