extension UsageMetricsSnapshot {
    /// A reader id and a face check decision (one of `FaceCheckEvent.storedDecisions`).
    public struct ReaderDecision: Sendable, Hashable, Comparable {
        public var readerID: String
        public var decision: String
        public init(readerID: String, decision: String) {
            self.readerID = readerID
            self.decision = decision
        }
        public static func < (a: Self, b: Self) -> Bool {
            (a.readerID, a.decision) < (b.readerID, b.decision)
        }
    }

    /// `cancuoc_face_checks_total` (InventoryMetric.faceChecks): nothing until the first face
    /// check, then every decision of every ID-card reader (and of any reader with checks) from 0.
    func renderFaceChecks(into p: inout PrometheusText) {
        typealias M = InventoryMetric
        typealias L = InventoryMetric.Label
        guard !faceChecks.isEmpty else { return }
        p.family(M.faceChecks, type: "counter", help: "Finished face checks by reader and decision.")
        let checked = Set(faceChecks.keys.map(\.readerID))
        for r in readers where !r.isContactOnly || checked.contains(r.id) {
            for decision in FaceCheckEvent.storedDecisions {
                p.sample(
                    M.faceChecks,
                    [(L.readerID, r.id), (L.decision, decision)],
                    Double(faceChecks[.init(readerID: r.id, decision: decision)] ?? 0)
                )
            }
        }
    }
}
