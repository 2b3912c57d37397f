extension InventoryMetric {
    /// Finished face checks (docs/face-check.md) by reader and decision: a counter, from the
    /// daily roll-ups like `reads`. Written once the usage log holds any face check (a clinic
    /// without the face check adds no series), then for every ID-card reader and every
    /// decision from 0, so that the next check of any decision is an increase.
    public static let faceChecks = "cancuoc_face_checks_total"
}

extension InventoryMetric.Label {
    /// A face check decision: `FaceCheckEvent.storedDecisions`.
    public static let decision = "decision"
}
