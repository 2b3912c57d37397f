import CardService

/// `card.read` params (docs/api.md).
public struct CardReadParams: Codable, Sendable, Hashable {
    public var reader: String?
    public var key: KeySpec
    public var waitForCardSeconds: Double?
    public var includeFace: Bool?
    /// Do not read the face at all (the record says `faceStatus: "skipped"`).
    public var skipFace: Bool?
    /// Keep the chip portrait (in memory) for this connection's `face.check` (docs/face-check.md).
    public var faceCheck: Bool?
}

/// `reader.diagnose` params (docs/api.md).
public struct DiagnoseParams: Codable, Sendable, Hashable {
    public var reader: String?
    public var key: KeySpec?
    /// Show the test read's personal data (to this client only).
    public var show: Bool?
}

/// `events.subscribe`.
public struct SubscribeParams: Codable, Sendable, Hashable {
    /// Also receive records of reads nobody asked for (scan-and-tap): socket group only.
    public var records: Bool?
}

public struct SubscribeResult: Codable, Sendable, Hashable {
    public var subscribed: Bool
    public var records: Bool

    public init(subscribed: Bool, records: Bool) {
        self.subscribed = subscribed
        self.records = records
    }
}
