import SmartCard

/// A USB digital-signature token as PC/SC sees it (docs/design.md §9.5): a contact reader holding a
/// contact card (ISO/IEC 7816-3 ATR, T=1). Clinic PCs often have one plugged in for tax and
/// insurance filings; the software must never take it for the ID-card reader nor send it a
/// command, so this card counts every command it receives and answers none (`6D00`).
public actor SignatureToken: APDUHandler {
    /// `3B 88 01` (TD1: T=1, no further interface bytes), 8 historical bytes, TCK: a contact ATR.
    public static let atr: [UInt8] = {
        let historical: [UInt8] = [0x80, 0x65, 0x54, 0x4F, 0x4B, 0x45, 0x4E, 0x31]  // category 80, "eTOKEN1"
        var bytes: [UInt8] = [0x3B, 0x80 | UInt8(historical.count), 0x01] + historical
        bytes.append(bytes.dropFirst().reduce(0, ^))
        return bytes
    }()

    /// Commands received since power-on or creation, whatever they were.
    public private(set) var commandsReceived = 0

    public init() {}

    public func powerOn() async -> [UInt8] { Self.atr }
    public func powerOff() async {}

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        commandsReceived += 1
        return ResponseAPDU(status: .insNotSupported)
    }
}
