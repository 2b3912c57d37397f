/// What the daemon tells the usage log: a reader appeared, a read finished, a face check
/// finished. Nothing else crosses this seam, and no call can carry a citizen record or a face:
/// the types hold only reader identity, outcome and decision codes, counts and timings
/// (docs/design.md §6, docs/inventory.md).
///
/// Implementations must never block or fail a read: the calls return quickly and never
/// throw; storage problems are the recorder's to log and count.
public protocol UsageRecorder: Sendable {
    func readerSeen(_ info: ReaderUsageInfo) async
    func readFinished(_ event: ReadEvent) async
    /// The reader was detached. Optional for implementations.
    func readerGone(id: String) async
    /// A face check after a read on a reader finished (its decision only). Optional.
    func faceCheckFinished(_ event: FaceCheckEvent) async
}

extension UsageRecorder {
    public func readerGone(id: String) async {}
    public func faceCheckFinished(_ event: FaceCheckEvent) async {}
}

/// Records nothing: for daemons run without a state directory, and for tests.
public struct NoUsageRecorder: UsageRecorder {
    public init() {}
    public func readerSeen(_ info: ReaderUsageInfo) async {}
    public func readFinished(_ event: ReadEvent) async {}
}
