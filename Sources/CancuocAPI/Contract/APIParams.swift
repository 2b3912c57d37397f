import CardService
import MRTD

/// `card.read` params (docs/api.md).
public struct CardReadParams: Codable, Sendable, Hashable {
    public var reader: String?
    public var key: KeySpec
    /// `waitForCardSeconds`, `includeFace`, `skipFace`: members of the params themselves.
    public var options: ReadOptions
    /// Keep the chip portrait (in memory) for this connection's `face.check` (docs/face-check.md).
    public var faceCheck: Bool?

    public init(reader: String? = nil, key: KeySpec, options: ReadOptions = ReadOptions(), faceCheck: Bool? = nil) {
        self.reader = reader
        self.key = key
        self.options = options
        self.faceCheck = faceCheck
    }

    private enum CodingKeys: String, CodingKey { case reader, key, faceCheck }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            reader: try c.decodeIfPresent(String.self, forKey: .reader),
            key: try c.decode(KeySpec.self, forKey: .key),
            options: try ReadOptions(from: decoder),
            faceCheck: try c.decodeIfPresent(Bool.self, forKey: .faceCheck)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(reader, forKey: .reader)
        try c.encode(key, forKey: .key)
        try c.encodeIfPresent(faceCheck, forKey: .faceCheck)
        try options.encode(to: encoder)
    }
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
