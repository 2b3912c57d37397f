import MRTD
import SmartCard

/// DG13, the Vietnamese personal-data group (docs/design.md §4):
/// `6D` { `30` { `02 01 01`, `06 06 28 D3 16 01 00 08`, `31` { `30` { `02 01 n`, value… }* } } }.
///
/// Fields are read by their number, never by position or byte offset: the 2024 card may
/// reorder, omit or add fields. Values are decoded leniently as UTF-8 whatever their string
/// tag (UTF8String `0C`, PrintableString `13`, …). Unknown numbers land in `extra`.
public struct DG13: Sendable, Hashable {
    /// Field 1: the 12-digit ID number (số định danh cá nhân).
    public let idNumber: String?
    /// Field 2.
    public let fullName: String?
    /// Field 3, as `YYYY-MM-DD`.
    public let dateOfBirth: String?
    /// Field 4: "Nam" / "Nữ".
    public let sex: Sex?
    /// Fields 5 … 10, as printed.
    public let nationality: String?
    public let ethnicity: String?
    public let religion: String?
    public let placeOfOrigin: String?
    public let placeOfResidence: String?
    public let identifyingMarks: String?
    /// Field 11, as `YYYY-MM-DD`.
    public let dateOfIssue: String?
    /// Field 12, as `YYYY-MM-DD`; `nil` when the card never expires (see `neverExpires`).
    public let dateOfExpiry: String?
    /// Field 12 says "Không thời hạn" (no expiry).
    public let neverExpires: Bool
    /// Field 13: the first and second names found inside it.
    public let fatherName: String?
    public let motherName: String?
    /// Field 14; an empty field (`30 03 02 01 0E`) is `nil`.
    public let spouseName: String?
    /// Field 15: the old 9-digit CMND number, often absent.
    public let oldIdNumber: String?
    /// Fields with numbers other than 1 … 15 (16 has no known meaning), their strings joined.
    public let extra: [Int: String]
    /// Every field's strings in document order, by field number: nothing read is dropped.
    public let fields: [Int: [String]]
    /// The object identifier after the version (`28 D3 16 01 00 08` on cards seen so far).
    public let oid: [UInt8]
    /// The file as read.
    public let raw: [UInt8]

    /// Recursion limit for nested values (field 13); real cards use two levels.
    static let maxDepth = 8

    public init(_ bytes: some Collection<UInt8>) throws(LDSError) {
        let file = try LDSError.decodeFile(bytes, tag: 0x6D)
        let seq = try DG13.children(of: file)
        guard let body = seq.first(where: { $0.tag == 0x30 }) else { throw .missing("DG13 SEQUENCE") }
        let items = try DG13.children(of: body)
        oid = items.first(where: { $0.tag == 0x06 })?.value ?? []
        guard let set = items.first(where: { $0.tag == 0x31 }) else { throw .missing("DG13 field SET") }

        var fields: [Int: [String]] = [:]
        var parents: (String?, String?) = (nil, nil)
        for entry in try DG13.children(of: set) where entry.tag == 0x30 {
            let parts = try DG13.children(of: entry)
            guard let first = parts.first, first.tag == 0x02, (1...2).contains(first.value.count) else {
                throw .malformed("DG13 field without a number")
            }
            let number = first.value.reduce(0) { $0 << 8 | Int($1) }
            guard fields[number] == nil else { continue }  // first occurrence wins
            let values = Array(parts.dropFirst())
            fields[number] = try DG13.strings(in: values, depth: 0)
            if number == 13 {
                parents = try DG13.parents(values)
            }
        }
        func one(_ n: Int) -> String? {
            guard let v = fields[n], !v.isEmpty else { return nil }
            return v.joined(separator: ", ")
        }
        idNumber = one(1)
        fullName = one(2)
        dateOfBirth = one(3).flatMap(VietnameseText.isoDate)
        sex = one(4).flatMap { Sex(vietnamese: $0) }
        nationality = one(5)
        ethnicity = one(6)
        religion = one(7)
        placeOfOrigin = one(8)
        placeOfResidence = one(9)
        identifyingMarks = one(10)
        dateOfIssue = one(11).flatMap(VietnameseText.isoDate)
        let expiry = one(12)
        neverExpires = expiry.map(VietnameseText.meansNoExpiry) ?? false
        dateOfExpiry = neverExpires ? nil : expiry.flatMap(VietnameseText.isoDate)
        (fatherName, motherName) = parents
        spouseName = one(14)
        oldIdNumber = one(15)
        var extra: [Int: String] = [:]
        for (n, _) in fields where !(1...15).contains(n) {
            extra[n] = one(n) ?? ""
        }
        self.extra = extra
        self.fields = fields
        raw = Array(bytes)
    }

    private static func children(of tlv: TLV) throws(LDSError) -> [TLV] {
        guard tlv.tag.isConstructed else { throw .malformed("DG13: \(tlv.tag) is not constructed") }
        return try LDSError.wrap { () throws(TLVError) -> [TLV] in try tlv.children() }
    }

    /// The strings below `values`, depth first, in order; integers, OIDs, NULLs and
    /// booleans are structure, not text.
    static func strings(in values: [TLV], depth: Int) throws(LDSError) -> [String] {
        guard depth <= maxDepth else { throw .tlv(.nestingTooDeep) }
        var out: [String] = []
        for v in values {
            if v.tag.isConstructed {
                out += try strings(in: children(of: v), depth: depth + 1)
            } else if ![0x01, 0x02, 0x05, 0x06].contains(v.tag.value) {
                if let s = VietnameseText.decode(v.value) { out.append(s) }
            }
        }
        return out
    }

    /// Field 13: two constructed values are father's and mother's blocks (either may be
    /// empty); otherwise the first and second strings found, however deep.
    static func parents(_ values: [TLV]) throws(LDSError) -> (String?, String?) {
        let blocks = values.filter(\.tag.isConstructed)
        if blocks.count == 2, blocks.count == values.count {
            let f = try strings(in: [blocks[0]], depth: 1)
            let m = try strings(in: [blocks[1]], depth: 1)
            if f.count <= 1, m.count <= 1 { return (f.first, m.first) }
        }
        let all = try strings(in: values, depth: 0)
        return (all.first, all.dropFirst().first)
    }
}
