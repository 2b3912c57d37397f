/// The provinces, former and current, for code that needs only them (the facility registry,
/// docs/inventory.md): which of the 34 current provinces each of the 63 former ones went into on
/// 1 July 2025, by name or by code. The reform merged provinces whole, so the answer is one.
package enum AdministrativeUnits {
    /// The data version (UnitData.version), to show beside anything derived from these lists.
    package static var dataVersion: String { UnitStore.shared.version }

    /// The 34 current provinces (list 2025-07), by code.
    package static var currentProvinces: [UnitRef] {
        UnitStore.shared.current.provinces.values.sorted { $0.code < $1.code }.map(UnitRef.init)
    }

    /// The 63 former provinces (lists 2021-11 and 2025-06 share their codes), each with the
    /// current province it went into, by former code.
    package static var formerProvinces: [(former: UnitRef, current: UnitRef)] {
        let store = UnitStore.shared
        return store.former.provinces.values.sorted { $0.code < $1.code }.compactMap { former in
            guard let code = store.formerProvince[former.code], let current = store.current.provinces[code] else {
                return nil
            }
            return (UnitRef(former), UnitRef(current))
        }
    }

    /// The current province a former province's code ("02", Hà Giang) went into ("08", Tuyên Quang).
    package static func currentProvince(forFormerCode code: String) -> UnitRef? {
        let store = UnitStore.shared
        return store.formerProvince[code].flatMap { store.current.provinces[$0] }.map(UnitRef.init)
    }

    /// The current province for a province's name, former or current, spelt any common way
    /// ("Hà Giang", "Tỉnh Hà Giang", "Ha Giang", "TP. HCM", "Thừa Thiên Huế"): the name is
    /// read like the last part of an address. nil when the name is no province's.
    package static func currentProvince(forFormerName name: String) -> UnitRef? {
        province(named: name)?.current
    }

    /// The province a name means today, and the former province it names when it is not a
    /// current one (a registry that still says "Bình Phước": Đồng Nai, former Bình Phước).
    package static func province(named name: String) -> (current: UnitRef, former: UnitRef?)? {
        let indexes = ResolverIndexes.shared
        let tokens = Tokenizer.tokens(name).tokens[...]
        for list in [UnitList.nso2025, .nso2025Former, .gso2021] {
            let hits = indexes.list(list).provinces.lookup(tokens, types: TypeWords.province)
            guard hits.count == 1 else { continue }
            if list == .nso2025 { return (UnitRef(hits[0]), nil) }
            guard let current = currentProvince(forFormerCode: hits[0].code) else { return nil }
            return (current, UnitRef(hits[0]))
        }
        return nil
    }
}
