import SmartCard

extension DG13 {
    /// One field to write, by number (docs/design.md §4).
    public struct Entry: Sendable, Hashable {
        public var number: Int
        public var value: Value

        public init(_ number: Int, _ value: Value) {
            self.number = number
            self.value = value
        }
    }

    /// How a field's value is written.
    public enum Value: Sendable, Hashable {
        /// UTF8String (`0C`).
        case utf8(String)
        /// PrintableString (`13`), as cards store the ID numbers.
        case printable(String)
        /// No value: `30 03 02 01 n` (the spouse field of an unmarried citizen).
        case empty
        /// Field 13 as `30 { 02 01 0D, 30 { 0C father }, 30 { 0C mother } }`.
        case parentsNested(father: String, mother: String)
        /// Field 13 as `30 { 02 01 0D, 0C father, 0C mother }`.
        case parentsFlat(father: String, mother: String)
    }

    /// Builds DG13 in exactly the layout the card uses (used by the card simulator):
    /// `6D / 30 / 02 01 01 / 06 06 28 D3 16 01 00 08 / 31 / { 30 / 02 01 n / value }*`.
    public static func encode(_ entries: [Entry]) -> [UInt8] {
        func str(_ s: String, _ tag: TLVTag = 0x0C) -> TLV { TLV(tag: tag, value: Array(s.utf8)) }
        let items: [TLV] = entries.map { e in
            let number = TLV(
                tag: 0x02,
                value: e.number > 0xFF ? [UInt8(e.number >> 8 & 0xFF), UInt8(e.number & 0xFF)] : [UInt8(e.number)]
            )
            switch e.value {
            case .utf8(let s): return TLV(tag: 0x30, children: [number, str(s)])
            case .printable(let s): return TLV(tag: 0x30, children: [number, str(s, 0x13)])
            case .empty: return TLV(tag: 0x30, children: [number])
            case .parentsNested(let f, let m):
                return TLV(
                    tag: 0x30,
                    children: [number, TLV(tag: 0x30, children: [str(f)]), TLV(tag: 0x30, children: [str(m)])]
                )
            case .parentsFlat(let f, let m):
                return TLV(tag: 0x30, children: [number, str(f), str(m)])
            }
        }
        let body = TLV(
            tag: 0x30,
            children: [
                TLV(tag: 0x02, value: [0x01]),
                TLV(tag: 0x06, value: [0x28, 0xD3, 0x16, 0x01, 0x00, 0x08]),
                TLV(tag: 0x31, children: items),
            ]
        )
        return TLV(tag: 0x6D, children: [body]).encoded
    }
}
