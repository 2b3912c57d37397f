/// Provinces in the facility registry (docs/inventory.md, "The country"). Since 1 July 2025
/// Vietnam has 34 provinces; a registry may still name one of the 63 before the reform (a
/// facility listed under Bình Phước is in Đồng Nai today). The mapping itself is not here: it
/// has one source of truth (module AdminUnits, docs/address.md), given to the registry as a
/// `ProvinceResolver`, so that this module holds no administrative-unit data.
public struct ProvinceAssignment: Sendable, Equatable, Codable {
    /// The province today (one of the 34).
    public var current: String
    /// Its code today, when the mapping has one.
    public var code: String?
    /// The name the registry gave, when it is a former province merged into `current`.
    public var former: String?

    public init(current: String, code: String?, former: String?) {
        self.current = current
        self.code = code
        self.former = former
    }
}

/// Maps a province name as a registry writes it (current or former, any case) to the province
/// it belongs to today; nil when it names no province.
public typealias ProvinceResolver = @Sendable (String) -> ProvinceAssignment?

extension FacilityRegistry {
    /// The registry's optional column naming each facility's province (current or former).
    public static let provinceColumn = "province"

    /// Whether any facility has a province: the roll-up then groups by province (national table).
    public var hasProvinces: Bool { facilities.contains { $0.province != nil } }
}
