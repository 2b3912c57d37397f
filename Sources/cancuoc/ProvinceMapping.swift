import CancuocUsage

/// The province mapping `cancuoc inventory rollup` reads a national registry with (63 former
/// → 34 current provinces). Its one source of truth is module AdminUnits (issue 27, branch
/// `address`), not yet in this branch: until it is wired here, a registry's `province` column
/// is taken as written (no code, no former name) and the roll-up says so.
///
/// WIRE AT MERGE: `static let resolver: ProvinceResolver? = { name in /* AdminUnits' lookup of
/// a current or former province by name → */ ProvinceAssignment(current:code:former:) }`,
/// and add "AdminUnits" to the cancuoc target's dependencies.
enum ProvinceMapping {
    static let resolver: ProvinceResolver? = nil
}
