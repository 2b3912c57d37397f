import CancuocAPI
import Logging
import NIOCore

/// The NIO side of a `Connection`: writes its messages to the channel (framing is the next
/// handler's job) and closes the channel when asked.
final class ChannelTransport: ConnectionTransport {
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    func write(_ message: [UInt8], written: @escaping @Sendable () -> Void) {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { _ in written() }
        channel.writeAndFlush(channel.allocator.buffer(bytes: message), promise: promise)
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Feeds whole inbound messages to a `Connection`, whatever framed them (newline here, the
/// WebSocket's text frames elsewhere), and reports the channel's half-close, idleness and end.
/// One job: glue; no parsing, no framing.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = InboundMessage

    private let connection: Connection
    private let logger: Logger

    init(connection: Connection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .tooLong:
            connection.receiveOversized()
        case .incomplete(let limit):
            logger.notice("closing a client that did not complete its request", metadata: connection.logMetadata)
            connection.receiveIncomplete(after: limit)
        case .message(let message):
            connection.receive(message.readableBytesView)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent {
            if idle == .read, connection.isIdle {
                logger.info("closing idle client", metadata: connection.logMetadata)
                context.close(promise: nil)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            connection.inputClosed()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug(
            "connection error",
            metadata: connection.logMetadata.merging(
                ["error": "\(String(reflecting: type(of: error)))"]) { $1 }
        )
        context.close(promise: nil)
    }
}
