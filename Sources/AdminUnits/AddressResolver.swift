import Foundation
import Synchronization

/// Resolves an address printed on the card (DG13 place of origin and place of residence, the
/// QR code's residence) to the administrative units printed and to today's units with their
/// official codes (docs/address.md).
///
/// Reads the address from the right: the province, then the district (lists before July 2025),
/// then the commune; what is left is the detail. Each of the three lists is tried and the
/// reading that finds the most levels wins; on a tie, the list in force when the card was
/// issued. A commune that was split gives its candidates and never a default. Pure and
/// synchronous: no network, no file; the data is compiled in (UnitData).
package struct AddressResolver: Sendable {
    private let indexes: ResolverIndexes

    package init() {
        indexes = ResolverIndexes.shared
    }

    /// The data version every result carries.
    package var dataVersion: String { indexes.store.version }

    /// Resolves `text`, printed on a card issued on `issued` ("YYYY-MM-DD" or a `Date`-derived
    /// day; nil when unknown: today's list is tried first).
    package func resolve(_ text: String, issued: String? = nil) -> ResolvedAddress {
        let tidy = VietnameseText.tidy(text)
        var result = ResolvedAddress(
            text: tidy,
            detail: tidy,
            asPrinted: .init(list: nil, province: nil, district: nil, commune: nil),
            current: .init(list: UnitList.nso2025.rawValue, province: nil, commune: nil, candidates: []),
            match: .unresolved,
            dataVersion: dataVersion
        )
        var parts = tidy.split(separator: ",").map { Part(text: String($0)) }
        while let last = parts.last, Self.isCountry(last) { parts.removeLast() }
        guard !parts.isEmpty else { return result }

        let order = Self.order(issued: issued)
        var best: Reading?
        for (rank, list) in order.enumerated() {
            guard let reading = read(parts, in: indexes.list(list), rank: rank) else { continue }
            if best.map({ reading.score > $0.score }) ?? true { best = reading }
        }
        guard let best else { return result }
        fill(&result, from: best)
        return result
    }

    // MARK: - Reading against one list

    struct Part {
        let text: String
        let words: [Substring]
        let tokens: [Token]

        init(text: String) {
            self.text = Self.trimmingWhitespace(text)
            (words, tokens) = Tokenizer.tokens(self.text)
        }

        /// `text.trimmingCharacters(in: .whitespaces)`, scalar by scalar, without Foundation's trip
        /// through NSString.
        static func trimmingWhitespace(_ text: String) -> String {
            let scalars = text.unicodeScalars
            var start = scalars.startIndex
            var end = scalars.endIndex
            while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
            while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
            return start == scalars.startIndex && end == scalars.endIndex ? text : String(scalars[start..<end])
        }

        /// The scalars of Foundation's `CharacterSet.whitespaces` (CoreFoundation's
        /// `CFCharacterSetIsWhitespace`): the tab and the space separators, with U+200B. FastPaths
        /// compares it with Foundation's set over every scalar of the BMP.
        static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
            default: false
            }
        }

        /// The printed words before token `start`.
        func prefix(before start: Int) -> String {
            guard start > 0, start < tokens.count else { return start == 0 ? "" : text }
            return words[..<tokens[start].word].joined(separator: " ")
        }
    }

    struct Reading {
        let list: UnitList
        var province: AdminUnit
        var districts: [AdminUnit] = []
        /// Whether the district was printed (not inferred from the commune).
        var districtPrinted = false
        var communes: [AdminUnit] = []
        var detail: [String] = []
        let rank: Int

        var levels: Int { 1 + (districtPrinted ? 1 : 0) + (communes.isEmpty ? 0 : 1) }
        /// More levels beat fewer; on a tie, the list in force at issue ("Tây Hồ, Hà Nội" is
        /// the district on a card of 2021 and the ward on a card of 2025-08).
        var score: (Int, Int) { (levels, -rank) }
    }

    private static func isCountry(_ part: Part) -> Bool {
        let key = part.tokens.map(\.folded).joined(separator: " ")
        return key == "viet nam" || key == "vn" || key == "vietnam"
    }

    /// The lists in the order a tie is broken: the list in force on the day of issue first.
    static func order(issued: String?) -> [UnitList] {
        guard let issued, issued.count >= 10 else { return [.nso2025, .nso2025Former, .gso2021] }
        let day = String(issued.prefix(10))
        if day >= UnitList.nso2025.firstDay { return [.nso2025, .nso2025Former, .gso2021] }
        if day >= UnitList.nso2025Former.firstDay { return [.nso2025Former, .gso2021, .nso2025] }
        return [.gso2021, .nso2025Former, .nso2025]
    }

    /// Matches the rightmost part (or a tail of it) at one level; returns the units and what
    /// is left of the part before them, if anything.
    private func take(
        _ parts: inout [Part],
        in index: NameIndex?,
        types: [[TypeWords.TypeWord]],
        anyTail: Bool
    ) -> [AdminUnit] {
        guard let index, let part = parts.last, !part.tokens.isEmpty else { return [] }
        let tokens = part.tokens
        for start in tokens.indices {
            let tail = tokens[start...]
            if start > 0 && TypeWords.splitsTypeWord(tokens, at: start) { continue }
            if start > 0 {
                // A tail is a unit of this level only when it starts with this level's type
                // word ("Thôn 3 Xã Ea Kao"); a province may follow its commune without a comma
                // ("Tây Hồ Hà Nội") unless a lower type word precedes it ("Phường Lào Cai").
                if anyTail {
                    if TypeWords.endsWith(tokens[..<start], TypeWords.lower) { continue }
                    if tail.allSatisfy({ $0.folded.allSatisfy(\.isNumber) }) { continue }
                } else if TypeWords.prefixLength(tail, types) == 0 {
                    continue
                }
            }
            let hits = index.lookup(tail, types: types)
            guard !hits.isEmpty else { continue }
            parts.removeLast()
            if start > 0 { parts.append(Part(text: part.prefix(before: start))) }
            return hits
        }
        return []
    }

    private func read(_ input: [Part], in list: ListIndexes, rank: Int) -> Reading? {
        var parts = input
        guard let province = take(&parts, in: list.provinces, types: TypeWords.province, anyTail: true).first
        else { return nil }
        var reading = Reading(list: list.list, province: province, rank: rank)
        if list.list == .nso2025 {
            reading.communes = take(
                &parts,
                in: list.children("P" + province.code),
                types: TypeWords.commune,
                anyTail: false
            )
        } else {
            var afterDistrict = parts
            let districts = take(
                &afterDistrict,
                in: list.children("P" + province.code),
                types: TypeWords.district,
                anyTail: false
            )
            if !districts.isEmpty {
                var afterCommune = afterDistrict
                var communes: [AdminUnit] = []
                for district in districts {
                    var trial = afterDistrict
                    let hits = take(
                        &trial,
                        in: list.children("D" + district.code),
                        types: TypeWords.commune,
                        anyTail: false
                    )
                    if !hits.isEmpty {
                        communes += hits
                        afterCommune = trial
                    }
                }
                reading.districts = districts
                reading.districtPrinted = true
                reading.communes = communes
                parts = afterCommune
                if !communes.isEmpty {
                    let parents = Set(communes.compactMap(\.parent))
                    reading.districts = districts.filter { parents.contains($0.code) }
                }
            } else {
                // No district printed (or none known): the commune within the whole province.
                reading.communes = take(
                    &parts,
                    in: list.communesOfProvince("P" + province.code),
                    types: TypeWords.commune,
                    anyTail: false
                )
                let parents = Set(reading.communes.compactMap(\.parent))
                reading.districts = parents.sorted().compactMap { list.store.districts[$0] }
            }
        }
        reading.detail = parts.map(\.text)
        return reading
    }

    // MARK: - From the printed units to today's

    private func fill(_ result: inout ResolvedAddress, from reading: Reading) {
        let store = indexes.store
        let detail = reading.detail.joined(separator: ", ")
        result.detail = detail.isEmpty ? nil : detail
        result.asPrinted.list = reading.list.rawValue
        result.asPrinted.province = UnitRef(reading.province)
        if reading.districts.count == 1 { result.asPrinted.district = UnitRef(reading.districts[0]) }
        if reading.communes.count == 1 { result.asPrinted.commune = UnitRef(reading.communes[0]) }

        let currentProvinceCode =
            reading.list == .nso2025 ? reading.province.code : store.formerProvince[reading.province.code]
        result.current.province = currentProvinceCode.flatMap { store.current.provinces[$0] }.map(UnitRef.init)

        var targets: [String] = []
        var former = false
        if reading.communes.isEmpty {
            // An island district that had no commune became one special zone.
            if reading.districts.count == 1, let zone = store.conversion[reading.districts[0].code] {
                targets = zone
            }
        } else {
            for commune in reading.communes {
                let (codes, renamed) = successors(of: commune)
                former = former || renamed
                for code in codes where !targets.contains(code) { targets.append(code) }
            }
        }
        let units = targets.compactMap { store.current.communes[$0] }.map(UnitRef.init)
        switch units.count {
        case 0:
            result.match = .provinceOnly
        case 1:
            result.current.commune = units[0]
            result.match = former ? .formerName : .exact
        default:
            result.match = reading.communes.count > 1 ? .ambiguous : .split
            result.current.candidates = units.count <= 5 ? units : []
        }
        if reading.communes.count > 1 && units.count == 1 {
            // Several printed communes, one current commune: the choice does not matter.
            result.match = .exact
        }
        // The current province of the commune when the former province went whole into another.
        if let commune = result.current.commune, let code = store.current.communes[commune.code]?.parent {
            result.current.province = store.current.provinces[code].map(UnitRef.init)
        }
    }

    /// The current communes a printed commune went into, and whether its printed name was a
    /// former one (renamed or merged before 30 June 2025).
    private func successors(of commune: AdminUnit) -> (codes: [String], former: Bool) {
        let store = indexes.store
        switch commune.list {
        case .nso2025:
            return ([commune.code], false)
        case .nso2025Former:
            return (store.conversion[commune.code] ?? [], false)
        case .gso2021:
            if let same = store.former.communes[commune.code] {
                let renamed =
                    NameIndex.foldedKey(Tokenizer.tokens(same.name).tokens[...])
                    != NameIndex.foldedKey(Tokenizer.tokens(commune.name).tokens[...])
                return (store.conversion[same.code] ?? [], renamed)
            }
            // The code is gone: the commune merged into one that kept another code. The one of
            // the same district that kept its name is its successor; else we do not know.
            let key = NameIndex.foldedKey(Tokenizer.tokens(commune.name).tokens.dropFirst(0))
            let heirs = (store.former.children["D" + (commune.parent ?? "")] ?? []).filter {
                NameIndex.foldedKey(Tokenizer.tokens($0.name).tokens[...]) == key
            }
            guard heirs.count == 1 else { return ([], true) }
            return (store.conversion[heirs[0].code] ?? [], true)
        }
    }

    private func indexesList(_ list: UnitList) -> ListIndexes { indexes.list(list) }
}

/// The name indexes of one list. The provinces' index is built with the list; the index of
/// each province's or district's children on its first lookup (a read pays for the two or
/// three parents it touches, not for 24,000 units), then kept.
final class ListIndexes: Sendable {
    let list: UnitList
    let store: IndexedList
    let provinces: NameIndex
    private let cache = Mutex<[String: NameIndex]>([:])

    init(_ store: IndexedList) {
        list = store.list
        self.store = store
        provinces = NameIndex(
            Array(store.provinces.values),
            types: TypeWords.province,
            aliases: ["79": ["Hồ Chí Minh", "HCM", "TPHCM", "Sài Gòn"], "01": ["HN"]]
        )
    }

    /// "P"+province or "D"+district → the index of its children (districts, or communes).
    func children(_ parent: String) -> NameIndex? {
        index(parent) {
            guard let units = store.children[parent], let first = units.first else { return nil }
            return NameIndex(units, types: first.level == .district ? TypeWords.district : TypeWords.commune)
        }
    }

    /// "P"+province → all its communes (for an address printed without its district).
    func communesOfProvince(_ province: String) -> NameIndex? {
        index("A" + province) {
            let districts = store.children[province]?.filter { $0.level == .district } ?? []
            let communes = districts.flatMap { store.children["D" + $0.code] ?? [] }
            return communes.isEmpty ? nil : NameIndex(communes, types: TypeWords.commune)
        }
    }

    private func index(_ key: String, build: () -> NameIndex?) -> NameIndex? {
        if let hit = cache.withLock({ $0[key] }) { return hit }
        guard let built = build() else { return nil }
        cache.withLock { $0[key] = built }
        return built
    }
}

final class ResolverIndexes: Sendable {
    static let shared = ResolverIndexes()
    let store = UnitStore.shared
    let gso2021: ListIndexes
    let former: ListIndexes
    let current: ListIndexes

    private init() {
        gso2021 = ListIndexes(store.gso2021)
        former = ListIndexes(store.former)
        current = ListIndexes(store.current)
    }

    func list(_ list: UnitList) -> ListIndexes {
        switch list {
        case .gso2021: gso2021
        case .nso2025Former: former
        case .nso2025: current
        }
    }
}
