/// Sex as the citizen record states it (docs/design.md §9.1): DG13 field 4 says "Nam" or "Nữ",
/// the MRZ says `M` or `F`.
public enum Sex: String, Sendable, Hashable, Codable {
    case male, female

    /// "Nam" → male, "Nữ" (or "Nu") → female; anything else is `nil`.
    public init?(vietnamese text: String) {
        switch VietnameseText.fold(text) {
        case "nam": self = .male
        case "nu": self = .female
        default: return nil
        }
    }

    /// The Vietnamese word printed on the card.
    public var vietnamese: String { self == .male ? "Nam" : "Nữ" }
}
