import SmartCard

/// Cards recognised by their ATR (docs/troubleshooting.md): the one table of ours. pcsc-tools' list
/// (`smartcard_list.txt`) names many more, for display only (`SmartcardList`).
public enum KnownCard: String, Sendable, Hashable, CaseIterable {
    /// The Vietnamese chip ID card (CCCD) in a contact reader: the card has a contact chip
    /// too, whose ATR's historical bytes read "Javelin-OS 1.0". pcsc-tools' list names it
    /// "Vietnam ID Card (eID)". Whether it answers the eMRTD application over the contact
    /// interface depends on the card; the contactless interface always does.
    case vietnameseIDCardContactChip

    /// The ATRs of each card, exactly.
    public var atrs: [[UInt8]] {
        switch self {
        case .vietnameseIDCardContactChip:
            return [
                [
                    0x3B, 0x9F, 0x96, 0xC0, 0x0A, 0x31, 0xFE, 0x45, 0x75, 0x4A, 0x61, 0x76, 0x65, 0x6C, 0x69, 0x6E,
                    0x2D, 0x4F, 0x53, 0x20, 0x31, 0x2E, 0x30, 0x51,
                ]
            ]
        }
    }

    /// For people (`cancuoc readers`, diag).
    public var name: String {
        switch self {
        case .vietnameseIDCardContactChip: return "thẻ căn cước, chip tiếp xúc / the ID card's contact chip"
        }
    }

    /// The card with this ATR, if it is one of ours.
    public static func identify(_ atr: [UInt8]) -> KnownCard? {
        allCases.first { $0.atrs.contains(atr) }
    }

    /// What to tell the person at the desk when the contact chip does not answer the eMRTD
    /// application (`ReadFailure.idCardContactChip`), in Vietnamese and in English.
    public static let contactChipAdviceVi =
        "Đây là chip tiếp xúc của thẻ căn cước: hãy rút thẻ ra và đặt thẻ lên đầu đọc không tiếp xúc (NFC)."
    public static let contactChipAdviceEn =
        "This is the ID card's contact chip: take the card out and place it on the contactless (NFC) reader."
}
