import NIOCore
import NIOWebSocket

/// A WebSocket message was begun and not finished within the completion limit. Sent as a user
/// event (the frames pass through NIO's aggregator, which takes frames only); the
/// `WebSocketMessageCodec` answers it like the Unix socket and closes with 1008.
struct WebSocketMessageIncomplete: Sendable, Hashable {
    let after: Duration
}

/// swift-nio's `WebSocketFrameDecoder` with the Unix socket's completion limit
/// (`MessageCompletionDeadline`, `APIServerConfiguration.requestCompletionTimeout`): a frame, or
/// a message fragmented over several frames, must be complete within the limit of its first
/// byte. Without it a client trickling one frame a byte at a time (held inside NIO's decoder, up
/// to the 64 KiB frame limit) or leaving a fragmented message open (held by the aggregator)
/// keeps its slot until the idle timeout, which every byte restarts: for ever.
///
/// The frames are still parsed by NIO's decoder, wrapped here: it keeps its partial state to
/// itself, so this reads only each frame's first byte before handing the bytes over — FIN and
/// the opcode (RFC 6455 §5.2) say whether a data frame ends its message. It replaces the
/// decoder `NIOWebSocketServerUpgrader` installs (`WebSocketServer`).
struct WebSocketFrameLimitDecoder: ByteToMessageDecoder {
    typealias InboundOut = WebSocketFrame

    private let frames: WebSocketFrameDecoder
    private var completion: MessageCompletionDeadline
    /// The first byte of the frame being received; `nil` between frames.
    private var frameStart: UInt8?
    /// The last data frame had no FIN: the message goes on in continuation frames.
    private var fragmented = false

    init(maxFrameSize: Int, completionLimit: Duration?) {
        frames = WebSocketFrameDecoder(maxFrameSize: maxFrameSize)
        completion = MessageCompletionDeadline(limit: completionLimit)
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if frameStart == nil { frameStart = buffer.readableBytesView.first }
        let state = try frames.decode(context: context, buffer: &buffer)
        if state == .continue, let first = frameStart {  // one whole frame was passed on
            frameStart = nil
            let isControl = first & 0x08 != 0  // close, ping, pong: may come between fragments
            if !isControl { fragmented = first & 0x80 == 0 }
        }
        completion.update(partial: frameStart != nil || fragmented, context: context) { context, limit in
            context.fireUserInboundEventTriggered(WebSocketMessageIncomplete(after: limit))
        }
        return state
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws
        -> DecodingState
    {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData { completion.cancel() }  // the connection is ending
        return state
    }

    mutating func decoderRemoved(context: ChannelHandlerContext) {
        completion.cancel()
    }
}
