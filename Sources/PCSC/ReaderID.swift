import SmartCard

/// A reader's stable id (docs/design.md §9.5): `VID:PID:serial` when the reader has a serial,
/// else `VID:PID@port-path` (sysfs), else the PC/SC name. Reader names follow plug order,
/// and CHANNEL_ID's USB address changes on every replug, so neither is used when better exists.
public struct ReaderID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(name: String, identity: ReaderIdentity) {
        if let vid = identity.vendorID, let pid = identity.productID {
            let base = Hex.word(vid) + ":" + Hex.word(pid)
            if let serial = identity.serialNumber {
                rawValue = base + ":" + serial
                return
            }
            if let port = identity.usbPortPath {
                rawValue = base + "@" + port
                return
            }
        }
        rawValue = name
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
