import NIOCore
import NIOEmbedded
import NIOWebSocket
import Synchronization
import Testing

@testable import CancuocAPI
@testable import CancuocServer
@testable import ServiceTestSupport

/// The one accept path (`ConnectionAcceptor`) that the Unix socket and the WebSocket share, on
/// NIO's async testing channel: both transports admit the same way, refuse with the same
/// -32000 error in their own framing, free the slot when a client leaves and give memory back.
@Suite(.timeLimit(.minutes(1))) struct ConnectionAcceptorOnEmbeddedChannel {
    enum Transport: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case unixSocket, webSocket
        var testDescription: String { rawValue }

        var framing: any ConnectionFraming {
            switch self {
            case .unixSocket: LineFraming(maxLength: 1024, completionLimit: .seconds(10))
            case .webSocket: WebSocketFraming(maxMessageLength: 1024)
            }
        }

        /// The n-th caller: a local user (uid 1000 + n) or a website.
        func principal(_ number: Int) -> Principal {
            switch self {
            case .unixSocket:
                Principal.localUser(
                    PeerCredentials(uid: UInt32(1000 + number), gid: 1000, pid: Int32(4000 + number)),
                    socketGroup: nil
                )
            case .webSocket: Principal(origin: "http://his-\(number).example", mayReceiveRecords: false)
            }
        }
    }

    /// How often the acceptor asked for memory to be given back.
    final class Releases: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func record() { count.withLock { $0 += 1 } }
    }

    static func acceptor(
        maxClients: Int,
        maxClientsPerUser: Int = 64,
        service: StubHandler = StubHandler(),
        releases: Releases = Releases()
    ) -> ConnectionAcceptor {
        var limits = APIServerConfiguration(maxClients: maxClients, maxClientsPerUser: maxClientsPerUser)
        limits.maxLineLength = 1024
        return ConnectionAcceptor(
            limits: limits,
            service: service,
            logger: .init(label: "test"),
            releaseMemory: { releases.record() }
        )
    }

    /// A connected channel handed to `acceptor` as `transport` would.
    static func accept(
        _ principal: Principal,
        on transport: Transport,
        by acceptor: ConnectionAcceptor,
        limitedPerCaller: Bool = true
    ) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: .init(ipAddress: "127.0.0.1", port: 28710)).get()
        let framing = transport.framing
        try await channel.testingEventLoop.executeInContext {
            try acceptor.accept(channel, principal: principal, framing: framing, limitedPerCaller: limitedPerCaller)
        }
        return channel
    }

    /// What a refused client of `transport` read before it was closed: the error message,
    /// and for the WebSocket the close frame's code and reason.
    static func refusal(
        on channel: NIOAsyncTestingChannel,
        _ transport: Transport
    ) async throws -> (
        error: JSONValue, close: (WebSocketErrorCode, String)?
    ) {
        switch transport {
        case .unixSocket:
            let line = String(buffer: try await channel.waitForOutboundWrite(as: ByteBuffer.self))
            #expect(line.hasSuffix("\n") && line.dropLast().firstIndex(of: "\n") == nil, "one line")
            try await withTimeout(seconds: 60) { try await channel.closeFuture.get() }
            return (try JSONParser().parse(String(line.dropLast())), nil)
        case .webSocket:
            let text = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
            #expect(text.opcode == .text && text.fin)
            var close = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
            #expect(close.opcode == .connectionClose)
            let readCode = close.data.readWebSocketErrorCode()
            let code = try #require(readCode)
            let reason = close.data.readString(length: close.data.readableBytes) ?? ""
            try await withTimeout(seconds: 60) { try await channel.closeFuture.get() }
            return (try JSONParser().parse(String(buffer: text.data)), (code, reason))
        }
    }

    @Test(arguments: Transport.allCases)
    func aClosedConnectionFreesItsSlotFinishesAndGivesMemoryBack(_ transport: Transport) async throws {
        let service = StubHandler()
        let releases = Releases()
        let acceptor = Self.acceptor(maxClients: 1, service: service, releases: releases)
        let first = try await Self.accept(transport.principal(1), on: transport, by: acceptor)
        let id = try #require(acceptor.connections.first?.id)
        #expect(acceptor.connections.count == 1)

        let refused = try await Self.accept(transport.principal(2), on: transport, by: acceptor)
        _ = try await Self.refusal(on: refused, transport)
        #expect(acceptor.connections.map(\.id) == [id], "a refused client takes no slot")
        #expect(releases.value == 0)

        try await first.close()
        try await withTimeout(seconds: 60) {
            try await eventually { acceptor.connections.isEmpty && releases.value == 1 }
        }
        #expect(service.wasDisconnected(id), "the service was told the client left")

        let next = try await Self.accept(transport.principal(3), on: transport, by: acceptor)
        #expect(acceptor.connections.count == 1, "the freed slot is taken again")
        try await next.close()
        try await withTimeout(seconds: 60) { try await eventually { releases.value == 2 } }
    }

    @Test func aRefusedSocketClientReadsOneErrorLineNamingTheLimit() async throws {
        let acceptor = Self.acceptor(maxClients: 1)
        _ = try await Self.accept(Transport.unixSocket.principal(1), on: .unixSocket, by: acceptor)
        let refused = try await Self.accept(Transport.unixSocket.principal(2), on: .unixSocket, by: acceptor)
        let (error, close) = try await Self.refusal(on: refused, .unixSocket)
        #expect(error["id"] == .null)
        #expect(error["error"]?["code"] == -32000)
        #expect(error["error"]?["data"]?["limit"] == 1)
        #expect(error["error"]?["data"]?["messageVi"] != nil)
        #expect(close == nil)
    }

    @Test func aRefusedBrowserReadsTheSameErrorInATextFrameThenClose1013() async throws {
        let acceptor = Self.acceptor(maxClients: 1)
        _ = try await Self.accept(Transport.webSocket.principal(1), on: .webSocket, by: acceptor)
        let refused = try await Self.accept(Transport.webSocket.principal(2), on: .webSocket, by: acceptor)
        let (error, close) = try await Self.refusal(on: refused, .webSocket)
        #expect(error["id"] == .null)
        #expect(error["error"]?["code"] == -32000)
        #expect(error["error"]?["data"]?["limit"] == 1)
        #expect(close?.0 == .unknown(1013))
        #expect(close?.1 == "too many clients")
    }

    @Test(arguments: Transport.allCases)
    func oneCallerHoldsAtMostItsShareTheOthersStillGetIn(_ transport: Transport) async throws {
        let acceptor = Self.acceptor(maxClients: 8, maxClientsPerUser: 2)
        for _ in 0..<2 { _ = try await Self.accept(transport.principal(1), on: transport, by: acceptor) }
        let third = try await Self.accept(transport.principal(1), on: transport, by: acceptor)
        let (error, close) = try await Self.refusal(on: third, transport)
        #expect(error["error"]?["code"] == -32000)
        #expect(error["error"]?["data"]?["limit"] == 2)
        if transport == .webSocket {
            #expect(close?.0 == .unknown(1013))
            #expect(close?.1 == "too many connections from this origin")
        }
        _ = try await Self.accept(transport.principal(2), on: transport, by: acceptor)
        #expect(acceptor.connections.count == 3)
    }

    @Test func rootOnTheSocketIsNotLimitedPerUser() async throws {
        let acceptor = Self.acceptor(maxClients: 8, maxClientsPerUser: 1)
        let root = Principal.localUser(PeerCredentials(uid: 0, gid: 0, pid: 1), socketGroup: nil)
        for _ in 0..<3 {
            _ = try await Self.accept(root, on: .unixSocket, by: acceptor, limitedPerCaller: false)
        }
        #expect(acceptor.connections.count == 3)
    }

    @Test(arguments: Transport.allCases)
    func afterTheDrainBeganNewcomersAreTurnedAway(_ transport: Transport) async throws {
        let acceptor = Self.acceptor(maxClients: 8)
        await acceptor.drain()
        let channel = NIOAsyncTestingChannel()
        let framing = transport.framing
        let principal = transport.principal(1)
        await #expect(throws: APIServerError.stopping) {
            try await channel.testingEventLoop.executeInContext {
                try acceptor.accept(channel, principal: principal, framing: framing)
            }
        }
        #expect(acceptor.connections.isEmpty)
    }
}
