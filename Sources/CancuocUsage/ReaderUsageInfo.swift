import Foundation
import SmartCard

/// A reader's identity as the usage log keeps it (docs/design.md §9.5). Only what the reader
/// says about itself: nothing here comes from a card.
public struct ReaderUsageInfo: Sendable, Hashable, Codable {
    /// The stable id: VID:PID + serial, else VID:PID + USB path, else the PC/SC name.
    public var id: String
    /// The PC/SC reader name.
    public var name: String
    /// Hex, 4 digits (`072F`), when the reader reports it.
    public var vid: String?
    public var pid: String?
    public var vendor: String?
    public var product: String?
    public var serial: String?
    public var firmware: String?

    public init(
        id: String,
        name: String,
        vid: String? = nil,
        pid: String? = nil,
        vendor: String? = nil,
        product: String? = nil,
        serial: String? = nil,
        firmware: String? = nil
    ) {
        self.id = UsageText.clip(id)
        self.name = UsageText.clip(name)
        self.vid = vid.map { UsageText.clip($0) }
        self.pid = pid.map { UsageText.clip($0) }
        self.vendor = vendor.map { UsageText.clip($0) }
        self.product = product.map { UsageText.clip($0) }
        self.serial = serial.map { UsageText.clip($0) }
        self.firmware = firmware.map { UsageText.clip($0) }
    }

    /// Formats a USB id as 4 hex digits.
    public static func hex(_ value: Int?) -> String? {
        guard let value, let word = UInt16(exactly: value) else { return nil }
        return Hex.word(word, uppercase: true)
    }
}

enum UsageText {
    /// Reader strings come from USB descriptors: keep them bounded and printable.
    static func clip(_ s: String, max: Int = 128) -> String {
        let printable = s.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
        return String(String.UnicodeScalarView(printable).prefix(max))
    }
}
