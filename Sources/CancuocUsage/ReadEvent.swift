import CardService
import Foundation
import MRTD

/// One finished read, as the usage log keeps it: which reader, when, how it ended, how
/// long it took. Outcome, access method and verification status are values of closed lists
/// (`ReadOutcome`, `AccessMethod`, `VerificationStatus`) and the rest are numbers, so no free
/// text — and no personal data — can reach the database this way. The daemon makes one from a
/// record; this module never sees a record.
public struct ReadEvent: Sendable, Hashable {
    public var readerID: String
    public var time: Date
    public var outcome: ReadOutcome
    /// nil when the read failed before access (and for every failed read).
    public var access: AccessMethod?
    /// nil for a failed read (docs/design.md §9.4).
    public var verification: VerificationStatus?
    public var durationMs: Int
    public var apdus: Int
    public var bytes: Int

    public init(
        readerID: String,
        time: Date = Date(),
        outcome: ReadOutcome,
        access: AccessMethod? = nil,
        verification: VerificationStatus? = nil,
        durationMs: Int,
        apdus: Int = 0,
        bytes: Int = 0
    ) {
        self.readerID = UsageText.clip(readerID)
        self.time = time
        self.outcome = outcome
        self.access = outcome.isOK ? access : nil
        self.verification = outcome.isOK ? verification : nil
        self.durationMs = min(max(0, durationMs), 86_400_000)
        self.apdus = min(max(0, apdus), 1_000_000_000)
        self.bytes = min(max(0, bytes), 1_000_000_000)
    }

    public var isOK: Bool { outcome.isOK }

    /// The spelling of an outcome stored by a version of cancuoc that this one does not know
    /// (the database and the metrics keep it rather than lose the read).
    public static let otherOutcome = "other"
    /// Every outcome the usage log can hold, in a fixed order: each `ReadOutcome`, then
    /// `other`. The metrics start a counter at 0 for each of these, so the first read of any
    /// outcome is an increase.
    public static let storedOutcomes: [String] = ReadOutcome.allCases.map(\.rawValue) + [otherOutcome]
}
