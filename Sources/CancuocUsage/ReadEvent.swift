import CCCD
import CardService
import Foundation

/// One finished read, as the usage log keeps it: which reader, when, how it ended, how
/// long it took. The initializer takes only codes and numbers; outcome, access method and
/// verification status are checked against closed lists (anything else is stored as
/// `other`), so no free text — and no personal data — can reach the database this way.
public struct ReadEvent: Sendable, Hashable {
    public var readerID: String
    public var time: Date
    /// `ok` or a `ReadFailure.reason` (docs/design.md §9.3).
    public var outcome: String
    /// `PACE`, `BAC` or nil (the read failed before access).
    public var access: String?
    /// `verified`, `unverified`, `failed`, `notPerformed` or nil (docs/design.md §9.4).
    public var verification: String?
    public var durationMs: Int
    public var apdus: Int
    public var bytes: Int

    public init(
        readerID: String,
        time: Date = Date(),
        outcome: String,
        access: String? = nil,
        verification: String? = nil,
        durationMs: Int,
        apdus: Int = 0,
        bytes: Int = 0
    ) {
        self.readerID = UsageText.clip(readerID)
        self.time = time
        self.outcome = Self.outcomes.contains(outcome) ? outcome : "other"
        self.access = access.map { Self.accessMethods.contains($0) ? $0 : "other" }
        self.verification = verification.map { Self.verificationStatuses.contains($0) ? $0 : "other" }
        self.durationMs = min(max(0, durationMs), 86_400_000)
        self.apdus = min(max(0, apdus), 1_000_000_000)
        self.bytes = min(max(0, bytes), 1_000_000_000)
    }

    public var isOK: Bool { outcome == "ok" }

    /// `ok` and every `ReadFailure.Kind`.
    public static let outcomes: Set<String> = Set(["ok"] + ReadFailure.Kind.allCases.map(\.rawValue))
    /// Every outcome the usage log can hold, in a fixed order: `ok`, each `ReadFailure.Kind`,
    /// then `other` (what the initializer stores for anything else). The metrics start a
    /// counter at 0 for each of these, so the first read of any outcome is an increase.
    public static let storedOutcomes: [String] = ["ok"] + ReadFailure.Kind.allCases.map(\.rawValue) + ["other"]
    public static let accessMethods: Set<String> = ["PACE", "BAC"]
    public static let verificationStatuses: Set<String> = ["verified", "unverified", "failed", "notPerformed"]
}

extension ReadEvent {
    /// A read that produced a record.
    public init(readerID: String, record: CitizenRecord) {
        self.init(
            readerID: readerID,
            outcome: "ok",
            access: record.access.method,
            verification: record.verification.status.rawValue,
            durationMs: record.stats.durationMs,
            apdus: record.stats.apdus,
            bytes: record.stats.bytesSent + record.stats.bytesReceived
        )
    }

    /// The daemon's form: `failure` nil for a read that produced a record.
    public init(
        readerID: String,
        failure: ReadFailure?,
        access: String? = nil,
        verification: String? = nil,
        durationMs: Int,
        apdus: Int = 0,
        bytes: Int = 0
    ) {
        self.init(
            readerID: readerID,
            outcome: failure?.reason ?? "ok",
            access: failure == nil ? access : nil,
            verification: failure == nil ? verification : nil,
            durationMs: durationMs,
            apdus: apdus,
            bytes: bytes
        )
    }
}
