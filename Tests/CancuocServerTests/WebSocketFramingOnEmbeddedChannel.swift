import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import CancuocAPI
@testable import CancuocServer
@testable import ServiceTestSupport

/// A client frame as a browser sends it: masked (RFC 6455 §5.3), payload under 126 bytes.
private func clientFrame(_ payload: String, opcode: UInt8 = 0x1, fin: Bool = true) -> [UInt8] {
    let bytes = Array(payload.utf8)
    precondition(bytes.count < 126)
    let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    return [(fin ? 0x80 : 0) | opcode, 0x80 | UInt8(bytes.count)] + mask
        + bytes.enumerated().map { $0.element ^ mask[$0.offset % 4] }
}

private let hello = #"{"jsonrpc":"2.0","id":1,"method":"hello"}"#

/// The WebSocket's completion limit (`WebSocketFrameLimitDecoder`), the Unix socket's
/// `requestCompletionTimeout` for frames and fragmented messages, on NIO's embedded channel.
@Suite struct WebSocketCompletionLimitOnEmbeddedChannel {
    /// Records the frames and the completion reports the decoder passes on.
    final class Recorder: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        var seen: [String] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let name =
                switch frame.opcode {
                case .text: "text"
                case .continuation: "continuation"
                case .ping: "ping"
                default: "other"
                }
            seen.append(name + (frame.fin ? "" : " (more)"))
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let incomplete = event as? WebSocketMessageIncomplete {
                seen.append("incomplete after \(incomplete.after)")
            }
        }
    }

    static func channel(limit: Duration = .seconds(10)) throws -> (EmbeddedChannel, Recorder) {
        let channel = EmbeddedChannel()
        let recorder = Recorder()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WebSocketFrameLimitDecoder(maxFrameSize: 1024, completionLimit: limit))
        )
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, recorder)
    }

    @Test func aFrameTrickledAByteAtATimeIsReportedAtTheLimitOfItsFirstByte() throws {
        let (channel, recorder) = try Self.channel()
        let bytes = clientFrame(hello)
        try channel.writeInbound(ByteBuffer(bytes: bytes[0..<1]))
        for index in 1..<10 {  // a byte a second keeps nothing alive; the header is inside NIO's decoder by now
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try channel.writeInbound(ByteBuffer(bytes: bytes[index..<index + 1]))
        }
        #expect(recorder.seen.isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(recorder.seen == ["incomplete after 10.0 seconds"])
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(recorder.seen.count == 1, "reported once")
        _ = try channel.finish()
    }

    @Test func aFragmentedMessageLeftOpenIsReportedPingsDoNotExtendIt() throws {
        let (channel, recorder) = try Self.channel()
        try channel.writeInbound(ByteBuffer(bytes: clientFrame(#"{"jsonrpc":"2.0","#, fin: false)))
        for _ in 0..<3 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(3))
            try channel.writeInbound(ByteBuffer(bytes: clientFrame("", opcode: 0x9)))  // ping
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(recorder.seen == ["text (more)", "ping", "ping", "ping", "incomplete after 10.0 seconds"])
        _ = try channel.finish()
    }

    @Test func messagesCompletedInTimeDisarmItAndTheNextMessageHasItsOwnClock() throws {
        let (channel, recorder) = try Self.channel()
        let bytes = clientFrame(hello)
        try channel.writeInbound(ByteBuffer(bytes: bytes[0..<5]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        try channel.writeInbound(ByteBuffer(bytes: bytes[5...]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        // Fragments joined within the limit, a whole frame and the start of the next in one read.
        try channel.writeInbound(ByteBuffer(bytes: clientFrame(#"{"jsonrpc":"#, fin: false)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        try channel.writeInbound(ByteBuffer(bytes: clientFrame(#""2.0"}"#, opcode: 0x0) + clientFrame(hello).prefix(3)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(recorder.seen == ["text", "text (more)", "continuation"])
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(
            recorder.seen.last == "incomplete after 10.0 seconds",
            "the partial frame's clock began with its first byte"
        )
        _ = try channel.finish()
    }
}

/// The whole WebSocket stack behind the upgrade — limit decoder, NIO's aggregator, the message
/// codec, the connection — on the async testing channel: what the client receives.
@Suite(.timeLimit(.minutes(1))) struct WebSocketConnectionOnEmbeddedChannel {
    static func make(limits: APIServerConfiguration = .init()) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        let connection = Connection(
            id: 1,
            principal: Principal(origin: "http://127.0.0.1:28710", mayReceiveRecords: false),
            transport: ChannelTransport(channel: channel),
            service: StubHandler(),
            limits: limits.connectionLimits
        )
        try await channel.testingEventLoop.executeInContext {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(
                ByteToMessageHandler(
                    WebSocketFrameLimitDecoder(
                        maxFrameSize: limits.maxLineLength + 1,
                        completionLimit: limits.requestCompletionTimeout
                    )
                )
            )
            try pipeline.addHandler(
                NIOWebSocketFrameAggregator(
                    minNonFinalFragmentSize: 1,
                    maxAccumulatedFrameCount: 1024,
                    maxAccumulatedFrameSize: limits.maxLineLength
                )
            )
            try pipeline.addHandler(WebSocketMessageCodec())
            try pipeline.addHandler(ConnectionHandler(connection: connection, logger: .init(label: "test")))
        }
        try await channel.connect(to: .init(ipAddress: "127.0.0.1", port: 28710)).get()
        return channel
    }

    static func nextFrame(_ channel: NIOAsyncTestingChannel) async throws -> (WebSocketOpcode, ByteBuffer) {
        let frame = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
        return (frame.opcode, frame.data)
    }

    @Test func anUnfinishedMessageIsAnsweredThenClosedWith1008() async throws {
        let channel = try await Self.make()
        try await channel.writeInbound(ByteBuffer(bytes: clientFrame(hello)))
        let (opcode, answer) = try await Self.nextFrame(channel)
        #expect(opcode == .text)
        #expect(try JSONParser().parse(String(buffer: answer))["result"]?["version"] == "test")

        try await channel.writeInbound(ByteBuffer(bytes: clientFrame(hello).prefix(20)))
        await channel.testingEventLoop.advanceTime(by: .seconds(9))
        try await channel.writeInbound(ByteBuffer(bytes: clientFrame(hello)[20..<21]))  // trickling
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        let (errorOpcode, error) = try await Self.nextFrame(channel)
        #expect(errorOpcode == .text, "the answer comes before the close frame")
        let refusal = try JSONParser().parse(String(buffer: error))
        #expect(refusal["error"]?["code"] == -32600)
        #expect(refusal["error"]?["message"]?.stringValue?.contains("not completed within 10 s") == true)
        #expect(refusal["error"]?["data"]?["messageVi"] != nil)
        var (closeOpcode, close) = try await Self.nextFrame(channel)
        #expect(closeOpcode == .connectionClose)
        #expect(close.readWebSocketErrorCode() == .policyViolation)
        try await withTimeout(seconds: 60) { try await channel.closeFuture.get() }
    }

    @Test func theDaemonClosingAConnectionSendsACloseFrameFirst() async throws {
        let channel = try await Self.make()
        try await channel.writeInbound(ByteBuffer(bytes: clientFrame(hello)))
        _ = try await Self.nextFrame(channel)
        channel.close(promise: nil)  // as the idle timeout, a drain or a full queue do
        var (opcode, close) = try await Self.nextFrame(channel)
        #expect(opcode == .connectionClose)
        #expect(close.readWebSocketErrorCode() == .goingAway)
        try await withTimeout(seconds: 60) { try await channel.closeFuture.get() }
    }
}
