/// The generated data (Data/*.swift, from data/address/generate.py): raw tab-separated text
/// compiled into the module, so there is no file to find, install or lose at run time.
enum UnitData {}

/// The levels of Vietnam's administrative units.
package enum UnitLevel: String, Sendable, Codable {
    case province, district, commune
}

/// A list of administrative units with its codes, as the statistics office published it. A
/// code means something only together with its list: most communes of 2025-07 reuse the code
/// of one of the communes they were made from.
package enum UnitList: String, Sendable, Codable, CaseIterable, Comparable {
    /// General Statistics Office, 6 November 2021: 63 provinces, 705 districts, 10,599 communes.
    case gso2021 = "2021-11"
    /// The units in force until 30 June 2025 (the old side of the NSO conversion table).
    case nso2025Former = "2025-06"
    /// The two-level list in force since 1 July 2025: 34 provinces, 3,321 communes.
    case nso2025 = "2025-07"

    /// The date from which the resolver reads an address with this list first.
    var firstDay: String {
        switch self {
        case .gso2021: "0000-00-00"
        case .nso2025Former: "2025-01-01"
        case .nso2025: "2025-07-01"
        }
    }

    package static func < (a: UnitList, b: UnitList) -> Bool { a.firstDay < b.firstDay }
}

/// One unit of one list.
package struct AdminUnit: Sendable, Hashable {
    package let list: UnitList
    package let level: UnitLevel
    /// The code with its leading zeros: 2 digits for a province, 3 for a district, 5 for a commune.
    package let code: String
    /// The name with its type word, as the list has it ("Phường Quảng An").
    package let name: String
    /// The code of the province (of a district, or of a commune of the two-level list) or of
    /// the district (of a commune of the older lists); nil for a province.
    package let parent: String?
}

/// One list, indexed for the resolver.
final class IndexedList: Sendable {
    let list: UnitList
    let provinces: [String: AdminUnit]
    let districts: [String: AdminUnit]
    let communes: [String: AdminUnit]
    /// Children (districts or communes) of a province, communes of a district, by code.
    let children: [String: [AdminUnit]]

    init(list: UnitList, tsv: String) {
        var provinces: [String: AdminUnit] = [:]
        var districts: [String: AdminUnit] = [:]
        var communes: [String: AdminUnit] = [:]
        var children: [String: [AdminUnit]] = [:]
        for line in tsv.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (f.first, f.count) {
            case ("P", 3):
                provinces[f[1]] = AdminUnit(list: list, level: .province, code: f[1], name: f[2], parent: nil)
            case ("D", 4):
                let unit = AdminUnit(list: list, level: .district, code: f[1], name: f[3], parent: f[2])
                districts[f[1]] = unit
                children["P" + f[2], default: []].append(unit)
            case ("C", 4):
                let unit = AdminUnit(list: list, level: .commune, code: f[1], name: f[3], parent: f[2])
                communes[f[1]] = unit
                children[(list == .nso2025 ? "P" : "D") + f[2], default: []].append(unit)
            default: continue
            }
        }
        self.list = list
        self.provinces = provinces
        self.districts = districts
        self.communes = communes
        self.children = children
    }

    /// The province a unit of this list belongs to.
    func province(of unit: AdminUnit) -> AdminUnit? {
        switch unit.level {
        case .province: unit
        case .district: unit.parent.flatMap { provinces[$0] }
        case .commune:
            list == .nso2025
                ? unit.parent.flatMap { provinces[$0] }
                : unit.parent.flatMap { districts[$0] }.flatMap { province(of: $0) }
        }
    }
}

/// All lists and the conversion table, parsed once.
final class UnitStore: Sendable {
    static let shared = UnitStore()

    let gso2021: IndexedList
    let former: IndexedList
    let current: IndexedList
    /// Old commune code (5 digits; or 3 for an island district that had no commune) of the
    /// 2025-06 list → the communes of the 2025-07 list it went into, in the table's order.
    let conversion: [String: [String]]
    /// Former province code (2021-11 and 2025-06 share them) → current province code.
    let formerProvince: [String: String]
    let version = UnitData.version

    private init() {
        gso2021 = IndexedList(list: .gso2021, tsv: UnitData.list2021)
        former = IndexedList(list: .nso2025Former, tsv: UnitData.list202506)
        current = IndexedList(list: .nso2025, tsv: UnitData.list202507)
        var conversion: [String: [String]] = [:]
        for line in UnitData.conversion.split(separator: "\n") {
            let f = line.split(separator: "\t")
            guard f.count == 3 else { continue }
            conversion[String(f[0]), default: []].append(String(f[1]))
        }
        self.conversion = conversion
        var former: [String: String] = [:]
        for line in UnitData.list202507.split(separator: "\n") where line.hasPrefix("F\t") {
            let f = line.split(separator: "\t")
            if f.count == 3 { former[String(f[1])] = String(f[2]) }
        }
        formerProvince = former
    }

    subscript(list: UnitList) -> IndexedList {
        switch list {
        case .gso2021: gso2021
        case .nso2025Former: former
        case .nso2025: current
        }
    }
}
