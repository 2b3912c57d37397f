import NIOCore
import NIOWebSocket

/// One JSON-RPC message per WebSocket text frame (docs/api-transport.md § WebSocket): text
/// frames in become `InboundMessage`s for `ConnectionHandler`, the connection's messages out
/// become text frames. Pings are answered, a close is echoed; binary frames are refused (1003).
/// A message longer than the limit is answered like on the Unix socket (-32600 request too
/// large) and then closed with 1009, the WebSocket's "message too big" — a frame's rest cannot
/// be skipped the way a line's can. A message not completed within the completion limit
/// (`WebSocketFrameLimitDecoder`) is answered like on the Unix socket (-32600 not completed in
/// time) and then closed with 1008 (policy violation).
final class WebSocketMessageCodec: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = InboundMessage
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    /// A close frame was sent (ours, or the echo of the client's): nothing more is written.
    private var closing = false
    /// The code of a close the daemon starts (`close(context:mode:promise:)`).
    private var closeCode: WebSocketErrorCode = .goingAway

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            context.fireChannelRead(wrapInboundOut(.message(frame.unmaskedData)))
        case .ping:
            guard !closing else { return }
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)),
                promise: nil
            )
        case .connectionClose:
            close(context: context, code: nil)
        case .binary:
            close(context: context, code: .unacceptableData)
        default:
            break  // pong, continuation (the aggregator already joined fragments)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let incomplete = event as? WebSocketMessageIncomplete {
            guard !closing else { return }
            // The connection answers -32600 and closes; `close(context:mode:promise:)` below
            // then sends the close frame with this code after that answer.
            closeCode = .policyViolation
            context.fireChannelRead(wrapInboundOut(.incomplete(after: incomplete.after)))
            close(context: context, code: .policyViolation)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength, NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge:
            context.fireChannelRead(wrapInboundOut(.tooLong))  // the connection answers -32600
            close(context: context, code: .messageTooLarge)
        case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error:
            close(context: context, code: .protocolError)
        default:
            context.fireErrorCaught(error)
        }
    }

    /// Whoever closes a connection the client has not closed — the idle timeout, shutdown, a
    /// client that does not read, an unfinished message — the client is told with a close frame
    /// first (1001 going away, unless a reason was set), so a page sees why, not 1006.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closing, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: closeCode)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            .whenComplete { _ in loopBound.value.close(mode: mode, promise: promise) }
    }

    /// Send a close frame (ours, or the echo of the client's) once, then close the channel.
    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode?) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        if let code { data.write(webSocketErrorCode: code) }
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
