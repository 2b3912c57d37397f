import AdminUnits
import CancuocUsage

/// The province mapping `cancuoc inventory rollup` reads a national registry with (63 former
/// → 34 current provinces): its one source of truth is AdminUnits (the official lists and the
/// NSO's conversion, docs/address.md); CancuocUsage holds no administrative-unit data.
enum ProvinceMapping {
    static let resolver: ProvinceResolver? = { name in
        guard let province = AdministrativeUnits.province(named: name) else { return nil }
        return ProvinceAssignment(
            current: province.current.name,
            code: province.current.code,
            former: province.former?.name
        )
    }
}
