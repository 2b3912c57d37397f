import PCSC

/// PC/SC part 10 reader properties (GET_TLV_PROPERTIES answer).
enum PCSCTargets {
    static func tlvProperties(_ data: [UInt8]) {
        guard let properties = try? TLVProperties(parsing: data) else { return }
        _ = properties.maxAPDUDataSize
        _ = properties.vendorID
        _ = properties.productID
        _ = properties.firmwareID
    }

    /// pcsc-tools' list: the file is somebody else's; the first byte picks the ATR to look up
    /// (the ID card's contact chip or a pattern-only one), the rest is the file's text.
    static func smartcardList(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let list = SmartcardList(text: String(decoding: data.dropFirst(), as: UTF8.self))
        let atr =
            selector & 1 == 0
            ? KnownCard.vietnameseIDCardContactChip.atrs[0]
            : [0x3B, 0x3B, 0x11, 0x00, 0x80, 0x69, 0xAF, 0x03, 0x0C, 0x01, 0x6F, 0x83, 0x00, 0x90, 0x00]
        _ = list.descriptions(for: atr)
    }
}
