import NIOCore

/// The time limit on completing a message, for the framing decoders of both transports
/// (`LineFrameDecoder`, `WebSocketFrameLimitDecoder`): armed at a message's first byte, disarmed
/// once no part of a message is waiting for the rest, so sending a byte now and then does not
/// keep a connection slot for ever. The limit is `APIServerConfiguration.requestCompletionTimeout`.
///
/// A value inside a decoder, used on the channel's event loop only.
struct MessageCompletionDeadline {
    let limit: Duration?
    /// Armed while part of a message waits for the rest; a fired timer stays here until the
    /// message is done, so it fires once per message.
    private var timer: Scheduled<Void>?

    init(limit: Duration?) {
        self.limit = limit
    }

    /// Call after every decoding step: `partial` says whether part of a message is waiting.
    /// `expired` runs on the event loop when the limit passes first.
    mutating func update(
        partial: Bool,
        context: ChannelHandlerContext,
        expired: @escaping (ChannelHandlerContext, Duration) -> Void
    ) {
        guard let limit else { return }
        if !partial {
            cancel()
        } else if timer == nil {
            let bound = NIOLoopBound((context, expired), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: TimeAmount(limit)) {
                let (context, expired) = bound.value
                expired(context, limit)
            }
        }
    }

    /// The connection is ending: no more reports.
    mutating func cancel() {
        timer?.cancel()
        timer = nil
    }
}
