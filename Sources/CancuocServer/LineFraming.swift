import NIOCore

/// The Unix socket's framing for `ConnectionAcceptor` (docs/api-transport.md): one JSON-RPC
/// message per line, at most `maxLength` bytes, complete within `completionLimit` of its first
/// byte; a refused client gets one -32000 error line and is closed.
struct LineFraming: ConnectionFraming {
    let maxLength: Int
    let completionLimit: Duration?

    var logPrefix: String { "" }

    func messageHandlers() -> [any ChannelHandler] {
        [
            ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength, completionLimit: completionLimit)),
            MessageToByteHandler(LineFrameEncoder()),
        ]
    }

    func refusalHandler(message: [UInt8], refusal: ConnectionTable.Refusal) -> any ChannelHandler {
        RefuseConnectionHandler(line: message)
    }
}

/// Writes one error line to a connection we cannot serve, then closes it.
final class RefuseConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let line: [UInt8]

    init(line: [UInt8]) {
        self.line = line
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: line.count + 1)
        buffer.writeBytes(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
