import FaceCheck
import Foundation

/// One finished face check (docs/face-check.md), as the usage log counts it: which reader's
/// read it followed, when, and its decision: a value of the closed list `FaceDecision`. Nothing
/// else: no distance (a score of a person), no source, no image, so no personal or biometric
/// data can reach the database or the metrics this way (docs/design.md §9.6).
public struct FaceCheckEvent: Sendable, Hashable {
    public var readerID: String
    public var time: Date
    public var decision: FaceDecision

    public init(readerID: String, time: Date = Date(), decision: FaceDecision) {
        self.readerID = UsageText.clip(readerID)
        self.time = time
        self.decision = decision
    }

    /// The spelling of a decision stored by a version of cancuoc that this one does not know
    /// (after a downgrade): the report and the metrics keep it under this name.
    public static let otherDecision = "other"
    /// Every decision the usage log can hold, in a fixed order: each `FaceDecision`, then `other`.
    public static let storedDecisions: [String] = FaceDecision.allCases.map(\.rawValue) + [otherDecision]

    /// A stored spelling as one of `storedDecisions`.
    static func stored(_ text: String) -> String {
        FaceDecision(rawValue: text) == nil ? otherDecision : text
    }
}
