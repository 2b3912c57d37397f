/// How sure the resolver is, from a closed list the HIS can switch on (docs/address.md).
public enum AddressMatch: String, Sendable, Codable, CaseIterable {
    /// The units as printed are in the list and lead to one current commune.
    case exact
    /// The printed commune is a former name (renamed or merged between 2019 and 30 June 2025)
    /// and leads to one current commune.
    case formerName
    /// The printed commune was split between several current communes: `candidates`, no default.
    case split
    /// The printed name fits several units (a commune without its district, a name without
    /// its marks): `candidates` when there are at most five.
    case ambiguous
    /// Only the province is known (no commune printed, or none that the lists know).
    case provinceOnly
    /// Not an address of Vietnam's units (abroad, empty, garbage).
    case unresolved
}

/// A unit as the HIS needs it: its code (with leading zeros) and its name.
public struct UnitRef: Sendable, Hashable, Codable {
    public let code: String
    public let name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    init(_ unit: AdminUnit) {
        self.init(code: unit.code, name: unit.name)
    }
}

/// An address read from the card, resolved to the units printed and the units of today.
///
/// The JSON shape is the contract of `cancuoc address --json` and of the record's address
/// objects (docs/address.md): every key is always present, absent units are `null`.
public struct ResolvedAddress: Sendable, Hashable, Codable {
    public struct Printed: Sendable, Hashable, Codable {
        /// The list the printed units were found in ("2021-11", "2025-06", "2025-07"); nil when nothing was.
        public var list: String?
        public var province: UnitRef?
        public var district: UnitRef?
        public var commune: UnitRef?
    }

    public struct Current: Sendable, Hashable, Codable {
        /// Always "2025-07": the list the current codes belong to.
        public var list: String
        public var province: UnitRef?
        /// nil when the commune was split or the name is ambiguous: then see `candidates`.
        public var commune: UnitRef?
        /// The 2–5 current communes to choose among (split or ambiguous), else empty.
        public var candidates: [UnitRef]
    }

    /// The text as given (NFC, whitespace and commas tidied).
    public var text: String
    /// What is left of the text once the units are taken away (house, street, hamlet); nil
    /// (JSON `null`, never "") when nothing is left.
    public var detail: String?
    public var asPrinted: Printed
    public var current: Current
    public var match: AddressMatch
    /// The data version the codes come from (UnitData.version).
    public var dataVersion: String

    enum CodingKeys: String, CodingKey {
        case text, detail, asPrinted, current, match, dataVersion
    }

    /// Every key, absent values as `null` (the record's contract, design.md §9.1).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(detail, forKey: .detail)
        try c.encode(asPrinted, forKey: .asPrinted)
        try c.encode(current, forKey: .current)
        try c.encode(match, forKey: .match)
        try c.encode(dataVersion, forKey: .dataVersion)
    }
}

extension ResolvedAddress.Printed {
    enum CodingKeys: String, CodingKey { case list, province, district, commune }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(list, forKey: .list)
        try c.encode(province, forKey: .province)
        try c.encode(district, forKey: .district)
        try c.encode(commune, forKey: .commune)
    }
}

extension ResolvedAddress.Current {
    enum CodingKeys: String, CodingKey { case list, province, commune, candidates }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(list, forKey: .list)
        try c.encode(province, forKey: .province)
        try c.encode(commune, forKey: .commune)
        try c.encode(candidates, forKey: .candidates)
    }
}
