/// What the daemon tells the usage log: a reader appeared, a read finished. Nothing else
/// crosses this seam, and neither call can carry a citizen record: the types hold only
/// reader identity, outcome codes, counts and timings (docs/design.md §6, docs/inventory.md).
///
/// Implementations must never block or fail a read: both calls return quickly and never
/// throw; storage problems are the recorder's to log and count.
public protocol UsageRecorder: Sendable {
    func readerSeen(_ info: ReaderUsageInfo) async
    func readFinished(_ event: ReadEvent) async
    /// The reader was detached. Optional for implementations.
    func readerGone(id: String) async
}

extension UsageRecorder {
    public func readerGone(id: String) async {}
}

/// Records nothing: for daemons run without a state directory, and for tests.
public struct NoUsageRecorder: UsageRecorder {
    public init() {}
    public func readerSeen(_ info: ReaderUsageInfo) async {}
    public func readFinished(_ event: ReadEvent) async {}
}
