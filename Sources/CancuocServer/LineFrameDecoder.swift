import CardService
import NIOCore

/// What a framing layer (newline, WebSocket) hands up: a complete message, or the news that
/// one was longer than the limit (its bytes are being discarded).
package enum InboundMessage {
    case message(ByteBuffer)
    case tooLong
    /// A message was begun and not finished within the transport's time limit.
    case incomplete(after: Duration)
}

/// Newline-delimited framing with a maximum line length (docs/api-transport.md).
///
/// An over-long line is reported once, as soon as the limit is passed, and the rest of it is
/// dropped as it arrives (never buffered), so a client cannot make the daemon hold more than
/// about `maxLength` bytes; the next line is read normally. A trailing `\r` is removed and not
/// counted (CRLF clients get the same limit); a last line without newline is accepted when the
/// client half-closes. A line must be complete within `completionLimit` of its first byte:
/// sending a byte now and then does not keep a connection slot for ever.
package struct LineFrameDecoder: ByteToMessageDecoder {
    package typealias InboundOut = InboundMessage

    let maxLength: Int
    private var discarding = false
    /// Bytes after the reader index already searched for a newline.
    private var scanned = 0
    /// Armed while part of a line waits for the rest.
    private var completion: MessageCompletionDeadline

    package init(maxLength: Int, completionLimit: Duration? = nil) {
        self.maxLength = maxLength
        self.completion = MessageCompletionDeadline(limit: completionLimit)
    }

    /// Arms the completion timer at a line's first byte and disarms it once no partial line
    /// is left.
    private mutating func watchCompletion(context: ChannelHandlerContext, partial: Bool) {
        completion.update(partial: partial, context: context) { context, limit in
            context.fireChannelRead(NIOAny(InboundMessage.incomplete(after: limit)))
        }
    }

    /// Whether `bytes` (a line without its newline, or the start of one) is past the limit.
    private func exceeds(_ bytes: ByteBufferView) -> Bool {
        bytes.count > maxLength + 1 || (bytes.count == maxLength + 1 && bytes.last != UInt8(ascii: "\r"))
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let state = try cut(context: context, buffer: &buffer)
        watchCompletion(context: context, partial: discarding || buffer.readableBytes > 0)
        return state
    }

    private mutating func cut(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        if let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            scanned = 0
            if discarding {
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .continue
            }
            if exceeds(view[view.startIndex..<newline]) {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.tooLong))
                return .continue
            }
            guard let line = buffer.readSlice(length: length) else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: 1)
            context.fireChannelRead(wrapInboundOut(.message(Self.withoutCR(line))))
            return .continue
        }
        if discarding {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            return .needMoreData
        }
        if exceeds(view) {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            discarding = true
            scanned = 0
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .needMoreData
        }
        scanned = buffer.readableBytes
        return .needMoreData
    }

    package mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without its newline still counts when the client closed its side.
        if seenEOF, !discarding, buffer.readableBytes > 0, let line = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.message(Self.withoutCR(line))))
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        watchCompletion(context: context, partial: false)
        return .needMoreData
    }

    package mutating func decoderRemoved(context: ChannelHandlerContext) {
        watchCompletion(context: context, partial: false)
    }

    private static func withoutCR(_ line: ByteBuffer) -> ByteBuffer {
        var line = line
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }
}

/// The outbound half of newline framing: each message is written followed by `\n` (our JSON
/// never holds a raw newline).
struct LineFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = ByteBuffer

    func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.reserveCapacity(data.readableBytes + 1)
        out.writeImmutableBuffer(data)
        out.writeInteger(UInt8(ascii: "\n"))
    }
}
