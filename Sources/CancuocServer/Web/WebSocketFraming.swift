import NIOCore
import NIOWebSocket

/// The WebSocket's framing for `ConnectionAcceptor` (docs/api-transport.md § WebSocket): one
/// JSON-RPC message per text frame, fragments joined by NIO's aggregator up to the Unix
/// socket's line length; a refused client gets the -32000 error in a text frame, then a close
/// with 1013 (try again later). The frame decoder itself is installed at the upgrade
/// (`WebSocketServer`: `WebSocketFrameLimitDecoder`, before admission, so a refusal is framed too).
struct WebSocketFraming: ConnectionFraming {
    /// Fragments one message may arrive in: enough for any browser, few enough that a
    /// client cannot make the aggregator keep a long list of tiny frames.
    static let maxFragmentsPerMessage = 1024

    /// Longest message (the Unix socket's `maxLineLength`).
    let maxMessageLength: Int

    /// The frame decoder's limit for `maxMessageLength` (one byte more; the aggregator holds the
    /// message to `maxMessageLength`). Past either, the client is answered -32600 and closed
    /// with 1009 (`WebSocketMessageCodec`).
    static func maxFrameSize(forMessagesOf maxMessageLength: Int) -> Int {
        maxMessageLength + 1
    }

    var logPrefix: String { "browser " }

    func messageHandlers() -> [any ChannelHandler] {
        [
            NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 1,
                maxAccumulatedFrameCount: Self.maxFragmentsPerMessage,
                maxAccumulatedFrameSize: maxMessageLength
            ),
            WebSocketMessageCodec(),
        ]
    }

    func refusalHandler(message: [UInt8], refusal: ConnectionTable.Refusal) -> any ChannelHandler {
        WebSocketRefusalHandler(
            message: message,
            reason: refusal == .tooManyForCaller ? "too many connections from this origin" : "too many clients"
        )
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
