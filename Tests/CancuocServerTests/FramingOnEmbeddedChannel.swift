import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import CancuocAPI
@testable import CancuocServer
@testable import ServiceTestSupport

/// The newline codec and the connection glue, each on NIO's testing channel: one job per
/// handler, bytes in, messages out, without a socket.
@Suite struct LineFramingOnEmbeddedChannel {
    static let limit = 16

    static func decoded(_ chunks: [String], limit: Int = limit, halfClose: Bool = false) throws -> [String] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maxLength: limit)))
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        if halfClose { channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        _ = try channel.finish()
        var out: [String] = []
        while let message = try channel.readInbound(as: InboundMessage.self) {
            switch message {
            case .message(let buffer): out.append(String(buffer: buffer))
            case .tooLong: out.append("<too long>")
            case .incomplete: out.append("<incomplete>")
            }
        }
        return out
    }

    @Test func linesAreSplitAndJoinedAcrossReads() throws {
        #expect(
            try Self.decoded(["{\"a\":1}\n{\"b\"", ":2}\n\n{\"c\":3}\n"]) == [
                #"{"a":1}"#, #"{"b":2}"#, "", #"{"c":3}"#,
            ]
        )
    }

    @Test func crlfIsStrippedAndNotCounted() throws {
        let exactly = String(repeating: "x", count: Self.limit)
        #expect(try Self.decoded([exactly + "\n"]) == [exactly])
        #expect(try Self.decoded([exactly + "\r\n"]) == [exactly], "the same limit with CRLF")
        #expect(try Self.decoded([exactly, "\r", "\n"]) == [exactly], "CR and LF in separate reads")
        #expect(try Self.decoded([exactly + "y\n"]) == ["<too long>"])
        #expect(try Self.decoded([exactly + "y\r\n"]) == ["<too long>"])
    }

    @Test func anOverLongLineIsReportedOnceDroppedAsItArrivesAndTheNextLineIsRead() throws {
        let chunks =
            ["{\"method\":\""] + Array(repeating: String(repeating: "A", count: 1000), count: 50) + [
                "\"}\n", "{\"ok\":1}\n",
            ]
        #expect(try Self.decoded(chunks) == ["<too long>", #"{"ok":1}"#])
    }

    @Test func aLastLineWithoutNewlineCountsOnHalfClose() throws {
        #expect(try Self.decoded(["{\"a\":1}\n{\"b\":2}"], halfClose: true) == [#"{"a":1}"#, #"{"b":2}"#])
    }

    @Test func aLineMustBeCompleteWithinTheLimitOfItsFirstByteWhateverTrickles() throws {
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(LineFrameDecoder(maxLength: 1024, completionLimit: .seconds(10)))
        )
        func read() throws -> [String] {
            var out: [String] = []
            while let message = try channel.readInbound(as: InboundMessage.self) {
                if case .message(let buffer) = message {
                    out.append(String(buffer: buffer))
                } else {
                    out.append("\(message)")
                }
            }
            return out
        }
        try channel.writeInbound(ByteBuffer(string: "{\"a\":1}\n{"))
        #expect(try read() == [#"{"a":1}"#])
        for _ in 0..<9 {  // a byte a second keeps nothing alive
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try channel.writeInbound(ByteBuffer(string: " "))
        }
        #expect(try read().isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try read() == ["incomplete(after: 10.0 seconds)"])

        // A line completed in time disarms it; the next line's clock starts at its first byte.
        let fresh = EmbeddedChannel(
            handler: ByteToMessageHandler(LineFrameDecoder(maxLength: 1024, completionLimit: .seconds(10)))
        )
        try fresh.writeInbound(ByteBuffer(string: "{"))
        fresh.embeddedEventLoop.advanceTime(by: .seconds(9))
        try fresh.writeInbound(ByteBuffer(string: "}\n"))
        fresh.embeddedEventLoop.advanceTime(by: .seconds(60))
        var messages: [InboundMessage] = []
        while let message = try fresh.readInbound(as: InboundMessage.self) { messages.append(message) }
        #expect(messages.count == 1)
        if case .message(let line) = messages.first {
            #expect(String(buffer: line) == "{}")
        } else {
            Issue.record("\(messages)")
        }
        _ = try fresh.finish()
        _ = try channel.finish()
    }

    @Test func theEncoderEndsEachMessageWithOneNewline() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(LineFrameEncoder()))
        try channel.writeOutbound(ByteBuffer(string: #"{"jsonrpc":"2.0"}"#))
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "{\"jsonrpc\":\"2.0\"}\n")
        _ = try channel.finish()
    }
}

/// `ConnectionHandler` + `Connection` on the async testing channel (requests run as tasks).
@Suite(.timeLimit(.minutes(1))) struct ConnectionOnEmbeddedChannel {
    /// A socket whose peer never reads: writes are swallowed, never completed.
    final class StalledSocket: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = ByteBuffer
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {}
    }

    static func make(
        limits: Connection.Limits = .init(),
        stalled: Bool = false
    ) async throws
        -> (NIOAsyncTestingChannel, Connection, StubHandler)
    {
        let channel = NIOAsyncTestingChannel()
        let stub = StubHandler()
        let connection = Connection(
            id: 1,
            principal: Principal(mayReceiveRecords: false),
            transport: ChannelTransport(channel: channel),
            service: stub,
            limits: limits
        )
        try await channel.testingEventLoop.executeInContext {
            let pipeline = channel.pipeline.syncOperations
            if stalled { try pipeline.addHandler(StalledSocket()) }
            try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: limits.maxMessageLength)))
            try pipeline.addHandler(MessageToByteHandler(LineFrameEncoder()))
            try pipeline.addHandler(ConnectionHandler(connection: connection, logger: .init(label: "test")))
        }
        try await channel.connect(to: .init(unixDomainSocketPath: "/tmp/unused")).get()
        return (channel, connection, stub)
    }

    static func nextLine(_ channel: NIOAsyncTestingChannel) async throws -> JSONValue {
        let buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        let text = String(buffer: buffer)
        #expect(text.hasSuffix("\n") && text.dropLast().firstIndex(of: "\n") == nil, "one message, one line")
        return try JSONParser().parse(String(text.dropLast()))
    }

    @Test func aRequestLineIsAnsweredWithOneResponseLine() async throws {
        let (channel, _, _) = try await Self.make()
        try await channel.writeInbound(ByteBuffer(string: "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"hello\"}\r\n"))
        let response = try await Self.nextLine(channel)
        #expect(response["id"] == 7)
        #expect(response["result"]?["apiLevel"] == 1)
        _ = try await channel.finish()
    }

    @Test func anOverLongLineGetsOneErrorAndTheConnectionLives() async throws {
        var limits = Connection.Limits()
        limits.maxMessageLength = 64
        let (channel, _, _) = try await Self.make(limits: limits)
        try await channel.writeInbound(ByteBuffer(string: String(repeating: "x", count: 200) + "\n"))
        let refused = try await Self.nextLine(channel)
        #expect(refused["error"]?["code"] == -32600)
        #expect(refused["id"] == .null)
        try await channel.writeInbound(ByteBuffer(string: "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"hello\"}\n"))
        #expect(try await Self.nextLine(channel)["id"] == 8)
        _ = try await channel.finish()
    }

    @Test func aClientThatNeverReadsIsDisconnectedAtTheQueueBound() async throws {
        var limits = Connection.Limits()
        limits.maxQueuedMessages = 8
        let (channel, connection, stub) = try await Self.make(limits: limits, stalled: true)
        try await channel.writeInbound(ByteBuffer(string: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscribe\"}\n"))
        try await withTimeout(seconds: 60) { try await eventually { stub.subscriberCount == 1 } }
        _ = try await stub.handle(method: "flood", params: ["count": 20, "size": 10], client: connection)
        #expect(!connection.isConnected)
        try await withTimeout(seconds: 60) { try await channel.closeFuture.get() }
    }

    @Test func theByteBoundDisconnectsBeforeTheMessageBound() async throws {
        var limits = Connection.Limits()
        limits.maxQueuedBytes = 64 << 10
        let (channel, connection, stub) = try await Self.make(limits: limits, stalled: true)
        try await channel.writeInbound(ByteBuffer(string: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscribe\"}\n"))
        try await withTimeout(seconds: 60) { try await eventually { stub.subscriberCount == 1 } }
        // 5 messages of 16 KiB: far under 1024 messages, over 64 KiB.
        _ = try await stub.handle(method: "flood", params: ["count": 5, "size": 16384], client: connection)
        #expect(!connection.isConnected)
        try await withTimeout(seconds: 60) { try await channel.closeFuture.get() }
    }
}
