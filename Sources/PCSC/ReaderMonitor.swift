import Logging

/// Watches readers and cards and reports changes as an `AsyncStream<ReaderEvent>`.
///
/// Built on `\\?PnP?\Notification` plus re-listing readers on every wake-up, with a finite
/// timeout (pcsc-lite 1.9.9 has no reader counter). The whole event state is copied back as
/// the current state, so an insert/remove pair missed between two waits still shows
/// (docs/design.md §8). When pcscd goes away the context is re-established with back-off and the
/// readers are reported again; `SCardIsValidContext` is not trusted as a health check.
public struct ReaderMonitor: Sendable {
    /// Longest single wait: bounds how late a reader plug-in or pcscd restart is noticed.
    public var pollInterval: Duration
    /// Back-off bounds while pcscd is unreachable.
    public var minBackoff: Duration
    public var maxBackoff: Duration
    /// Read attributes and part 10 properties of each new reader (for its stable id).
    public var readsIdentity: Bool

    public init(
        pollInterval: Duration = .seconds(1),
        minBackoff: Duration = .milliseconds(200),
        maxBackoff: Duration = .seconds(5),
        readsIdentity: Bool = true
    ) {
        self.pollInterval = pollInterval
        self.minBackoff = minBackoff
        self.maxBackoff = maxBackoff
        self.readsIdentity = readsIdentity
    }

    /// Starts monitoring on its own context; stops when the stream's consumer goes away.
    public func events() -> AsyncStream<ReaderEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ReaderEvent.self, bufferingPolicy: .unbounded)
        let loop = MonitorLoop(configuration: self, emit: { continuation.yield($0) })
        let task = Task { await loop.run() }
        continuation.onTermination = { _ in
            task.cancel()
            loop.cancelWait()
        }
        return stream
    }
}
