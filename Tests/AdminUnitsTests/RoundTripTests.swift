import Testing

@testable import AdminUnits

/// Every unit of every list, printed the ways cards and people print it, resolves to itself;
/// every row of the conversion table leads where the table says (docs/address.md).
///
/// Tens of thousands of addresses: the loops yield now and then (`Task.yield`), so that the other
/// suites of the test process share the two cooperative threads instead of waiting (design.md §10).
@Suite struct RoundTrip {
    let resolver = AddressResolver()
    static let issued: [UnitList: String] = [
        .gso2021: "2022-01-01", .nso2025Former: "2025-03-01", .nso2025: "2025-08-01",
    ]

    enum Form: CaseIterable { case typed, bare, typedFolded, bareFolded }

    static func print(_ name: String, _ form: Form) -> String {
        let tokens = Tokenizer.tokens(name)
        let types = TypeWords.district + TypeWords.commune + TypeWords.province
        let typeWords = TypeWords.prefixLength(tokens.tokens[...], types)
        let words = tokens.words.map(String.init)
        let kept: [String]
        switch form {
        case .typed, .typedFolded: kept = words
        case .bare, .bareFolded:
            let typeWordCount = typeWords == 0 ? 0 : tokens.tokens[typeWords - 1].word + 1
            kept = Array(words.dropFirst(typeWordCount))
        }
        let text = kept.joined(separator: " ")
        switch form {
        case .typed, .bare: return text
        case .typedFolded, .bareFolded: return fold(text)
        }
    }

    static func fold(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
                    .decomposedStringWithCanonicalMapping.unicodeScalars.filter {
                        $0.properties.generalCategory != .nonspacingMark
                    }
            )
        )
    }

    /// The units of `parent` that print like `unit` in `form`: more than one is a true tie.
    static func twins(_ unit: AdminUnit, among siblings: [AdminUnit], _ form: Form) -> Int {
        let key = NameIndex.foldedKey(Tokenizer.tokens(print(unit.name, form)).tokens[...])
        return siblings.filter { NameIndex.foldedKey(Tokenizer.tokens(print($0.name, form)).tokens[...]) == key }.count
    }

    @Test(arguments: UnitList.allCases)
    func everyCommuneResolvesToItself(list: UnitList) async {
        let store = UnitStore.shared[list]
        var failures: [String] = []
        var checked = 0
        // A district's and a province's names print alike for each of their communes: once each.
        var printed: [String: String] = [:]
        func printedOnce(_ name: String, _ form: Form) -> String {
            let key = "\(form) \(name)"
            if let hit = printed[key] { return hit }
            let text = Self.print(name, form)
            printed[key] = text
            return text
        }
        for commune in store.communes.values.sorted(by: { $0.code < $1.code }) {
            if checked % 400 == 0 { await Task.yield() }
            guard let province = store.province(of: commune) else {
                failures.append("\(commune.code) has no province")
                continue
            }
            let district = list == .nso2025 ? nil : store.districts[commune.parent ?? ""]
            let siblings = store.children[(list == .nso2025 ? "P" : "D") + (commune.parent ?? "")] ?? []
            for form in Form.allCases {
                var parts = [Self.print(commune.name, form)]
                if let district { parts.append(printedOnce(district.name, form)) }
                parts.append(printedOnce(province.name, form))
                let text = parts.joined(separator: ", ")
                let r = resolver.resolve(text, issued: Self.issued[list])
                checked += 1
                if r.asPrinted.commune?.code == commune.code && r.asPrinted.list == list.rawValue { continue }
                // Two communes of one parent printed alike (Thị trấn and Xã Yên Viên without the
                // type word, Hoa Lộc and Hòa Lộc without marks): no printed commune is named.
                if r.asPrinted.commune == nil && Self.twins(commune, among: siblings, form) > 1 { continue }
                // Printed without marks, Nga Thành is Nga Thanh, which exists: the exact one wins.
                if form == .typedFolded || form == .bareFolded, let got = r.asPrinted.commune?.code,
                    let other = store.communes[got],
                    NameIndex.foldedKey(Tokenizer.tokens(Self.print(other.name, .bareFolded)).tokens[...])
                        == NameIndex.foldedKey(Tokenizer.tokens(Self.print(commune.name, .bareFolded)).tokens[...])
                {
                    continue
                }
                failures.append("\(text) → \(r.asPrinted.list ?? "-") \(r.asPrinted.commune?.code ?? "-") \(r.match)")
            }
        }
        #expect(checked >= 4 * 3_000)
        #expect(failures.isEmpty, "\(failures.count) of \(checked): \(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test(arguments: UnitList.allCases)
    func everyProvinceAndDistrictResolvesToItself(list: UnitList) async {
        let store = UnitStore.shared[list]
        var failures: [String] = []
        for province in store.provinces.values {
            for form in Form.allCases {
                let r = resolver.resolve(Self.print(province.name, form), issued: Self.issued[list])
                if r.asPrinted.province?.code != province.code || r.match != .provinceOnly {
                    failures.append("\(province.name) \(form) → \(r.asPrinted.province?.code ?? "-") \(r.match)")
                }
            }
        }
        for (n, district) in store.districts.values.enumerated() {
            if n % 100 == 0 { await Task.yield() }
            guard let province = store.province(of: district) else { continue }
            let siblings = store.children["P" + province.code] ?? []
            for form in Form.allCases {
                let text = "\(Self.print(district.name, form)), \(Self.print(province.name, form))"
                let r = resolver.resolve(text, issued: Self.issued[list])
                if r.asPrinted.district?.code == district.code && r.asPrinted.list == list.rawValue { continue }
                if Self.twins(district, among: siblings, form) > 1 { continue }
                failures.append("\(text) → \(r.asPrinted.district?.code ?? "-") \(r.match)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count): \(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func everyRowOfTheConversionTableLeadsWhereTheTableSays() async {
        let store = UnitStore.shared
        var failures: [String] = []
        var rows = 0
        for (n, (old, targets)) in store.conversion.sorted(by: { $0.key < $1.key }).enumerated() {
            if n % 200 == 0 { await Task.yield() }
            rows += targets.count
            let isDistrict = old.count == 3
            let commune: AdminUnit? = isDistrict ? nil : store.former.communes[old]
            guard isDistrict || commune != nil,
                let district = store.former.districts[isDistrict ? old : commune?.parent ?? ""],
                let province = store.former.province(of: district)
            else {
                failures.append("\(old): not in list 2025-06")
                continue
            }
            let text = [commune?.name, district.name, province.name].compactMap { $0 }.joined(separator: ", ")
            let r = resolver.resolve(text, issued: "2025-03-01")
            let got = r.current.commune.map { [$0.code] } ?? r.current.candidates.map(\.code)
            let siblings = store.former.children["D" + district.code] ?? []
            let twins = commune.map { c in siblings.filter { $0.name == c.name }.count } ?? 1
            if twins > 1 { continue }  // two communes of one name in one district: a tie by design
            if targets.count > 5 && r.match == .split && got.isEmpty { continue }
            if Set(got) != Set(targets) || (targets.count > 1) != (r.match == .split) {
                failures.append("\(text) → \(r.match) \(got), table: \(targets)")
            }
            if r.current.commune.map({ store.current.communes[$0.code]?.parent }) != nil,
                r.current.province?.code != store.current.communes[targets[0]]?.parent
            {
                failures.append("\(text): province \(r.current.province?.code ?? "-")")
            }
        }
        #expect(rows > 10_000)
        #expect(failures.isEmpty, "\(failures.count): \(failures.prefix(20).joined(separator: "\n"))")
    }

    @Test func theDataIsWhole() {
        let store = UnitStore.shared
        #expect(store.current.provinces.count == 34)
        #expect(store.current.communes.count == 3_321)
        #expect(store.former.provinces.count == 63)
        #expect(store.gso2021.provinces.count == 63)
        #expect(store.formerProvince.count == 63)
        for code in store.former.communes.keys { #expect(store.conversion[code] != nil, "\(code) not converted") }
        for targets in store.conversion.values {
            for code in targets { #expect(store.current.communes[code] != nil, "\(code) not current") }
        }
        for c in store.current.communes.values { #expect(c.code.count == 5) }
        for d in store.former.districts.values { #expect(d.code.count == 3) }
    }
}
