import Testing

@testable import AdminUnits

/// The hard cases named in docs/address.md, each resolved the way the HIS will receive it.
@Suite struct HardCases {
    let resolver = AddressResolver()

    @Test func quangAnOnACardOf2021IsASplitWithItsTwoWardsAndNoDefault() {
        let r = resolver.resolve("Số 18 ngõ 52 Tô Ngọc Vân, Quảng An, Tây Hồ, Hà Nội", issued: "2021-05-10")
        #expect(r.match == .split)
        #expect(r.detail == "Số 18 ngõ 52 Tô Ngọc Vân")
        #expect(r.asPrinted.list == "2021-11")
        #expect(r.asPrinted.commune == UnitRef(code: "00100", name: "Phường Quảng An"))
        #expect(r.asPrinted.district == UnitRef(code: "003", name: "Quận Tây Hồ"))
        #expect(r.current.province == UnitRef(code: "01", name: "Thành phố Hà Nội"))
        #expect(r.current.commune == nil)
        #expect(Set(r.current.candidates.map(\.name)) == ["Phường Hồng Hà", "Phường Tây Hồ"])
    }

    @Test func aCommuneMergedWholeGivesItsOneCurrentCommune() {
        let r = resolver.resolve("Phường Trúc Bạch, Quận Ba Đình, TP. Hà Nội", issued: "2022-01-01")
        #expect(r.match == .exact)
        #expect(r.current.commune == UnitRef(code: "00004", name: "Phường Ba Đình"))
        #expect(r.current.candidates.isEmpty)
    }

    @Test func phuong1IsTheOneOfItsDistrictInEachOfTenDistricts() throws {
        let store = UnitStore.shared.former
        let wards = store.communes.values.filter { $0.name == "Phường 1" && store.province(of: $0)?.code == "79" }
        #expect(wards.count >= 10)
        for ward in wards {
            let d = try #require(store.districts[ward.parent ?? ""])
            for form in [
                "Phường 1, \(d.name), TP.HCM", "P.1, \(d.name), Thành phố Hồ Chí Minh", "Phường 01, \(d.name), TP HCM",
            ] {
                let r = resolver.resolve(form, issued: "2025-03-01")
                #expect(r.asPrinted.commune?.code == ward.code, "\(form)")
                #expect(r.asPrinted.district?.code == d.code, "\(form)")
                #expect(r.match != .ambiguous, "\(form)")
            }
        }
    }

    @Test func phuong1WithoutItsDistrictIsAmbiguousNeverAGuess() {
        let r = resolver.resolve("Phường 1, TP Hồ Chí Minh", issued: "2024-03-01")
        #expect(r.match == .ambiguous)
        #expect(r.current.commune == nil)
        #expect(r.asPrinted.commune == nil)
        #expect(r.current.province?.code == "79")
    }

    @Test func theSameCommuneNameInTwoDistrictsIsToldApartByTheDistrict() throws {
        // "Xã Tân Hiệp" exists in several districts of Kiên Giang... find any such pair in the data.
        let store = UnitStore.shared.former
        var seen: [String: AdminUnit] = [:]
        var pair: (AdminUnit, AdminUnit)?
        for c in store.communes.values.sorted(by: { $0.code < $1.code }) {
            let p = store.province(of: c)?.code ?? ""
            if let other = seen[p + c.name], other.parent != c.parent {
                pair = (other, c)
                break
            }
            seen[p + c.name] = c
        }
        let (a, b) = try #require(pair)
        for unit in [a, b] {
            let district = try #require(store.districts[unit.parent ?? ""])
            let province = try #require(store.province(of: unit))
            let r = resolver.resolve("\(unit.name), \(district.name), \(province.name)", issued: "2025-02-01")
            #expect(r.asPrinted.commune?.code == unit.code)
        }
        let province = try #require(store.province(of: a))
        let r = resolver.resolve("\(a.name), \(province.name)", issued: "2025-02-01")
        #expect(r.match == .ambiguous)
        #expect(r.asPrinted.commune == nil)
    }

    @Test func aCommuneNamedLikeItsProvinceIsTheCommune() {
        let r = resolver.resolve("Tổ 5, Phường Lào Cai, Lào Cai", issued: "2025-09-01")
        #expect(r.asPrinted.list == "2025-07")
        #expect(r.asPrinted.province?.name == "Tỉnh Lào Cai")
        #expect(r.asPrinted.commune?.name == "Phường Lào Cai")
        #expect(r.detail == "Tổ 5")
        #expect(r.match == .exact)
        let run = resolver.resolve("Phường Lào Cai Lào Cai", issued: "2025-09-01")
        #expect(run.asPrinted.commune?.name == "Phường Lào Cai")
    }

    @Test func dongXuanAndDongXuanAreDifferentUnitsAndFoldingOnlyBreaksTies() {
        let hanoi = resolver.resolve("Đồng Xuân, Hoàn Kiếm, Hà Nội", issued: "2023-01-01")
        #expect(hanoi.asPrinted.commune?.code == "00040")
        let phuYen = resolver.resolve("Huyện Đồng Xuân, Phú Yên", issued: "2023-01-01")
        let dongXuanPhuYen = phuYen.asPrinted.district
        #expect(dongXuanPhuYen?.name == "Huyện Đồng Xuân")
        // Đông Xuân (with ô) is another unit: a commune of Quảng Ninh's Ba Chẽ, of Hà Nội's Sóc Sơn...
        let soc = resolver.resolve("Xã Đông Xuân, Huyện Sóc Sơn, Hà Nội", issued: "2023-01-01")
        #expect(soc.asPrinted.commune?.name == "Xã Đông Xuân")
        #expect(soc.asPrinted.commune?.code != hanoi.asPrinted.commune?.code)
        // Without marks, folding finds the one Đồng Xuân of Hoàn Kiếm: no tie to break there.
        let folded = resolver.resolve("Dong Xuan, Hoan Kiem, Ha Noi", issued: "2023-01-01")
        #expect(folded.asPrinted.commune?.code == "00040")
    }

    @Test func aCommuneRenamedBefore2025PrintedWithItsOldNameIsAFormerName() throws {
        // A 2021 commune whose code lives on in 2025-06 under another name, converted whole.
        let store = UnitStore.shared
        let renamed = try #require(
            store.gso2021.communes.values.sorted(by: { $0.code < $1.code }).first { old in
                guard let now = store.former.communes[old.code], now.parent == old.parent,
                    store.conversion[old.code]?.count == 1
                else { return false }
                return VietnameseText.words(now.name).last.map { VietnameseText.foldedKey(word: $0) }
                    != VietnameseText.words(old.name).last.map { VietnameseText.foldedKey(word: $0) }
                    && store.former.children["D" + (old.parent ?? "")]?.contains { $0.name == old.name } == false
            }
        )
        let district = try #require(store.gso2021.districts[renamed.parent ?? ""])
        let province = try #require(store.gso2021.province(of: district))
        let r = resolver.resolve("\(renamed.name), \(district.name), \(province.name)", issued: "2024-06-01")
        #expect(r.match == .formerName)
        #expect(r.asPrinted.list == "2021-11")
        #expect(r.current.commune?.code == store.conversion[renamed.code]?.first)
    }

    @Test func aForeignPlaceIsUnresolved() {
        for text in ["Paris, Pháp", "Moscow, Liên bang Nga", "Vientiane, Lào", "Seoul, Hàn Quốc"] {
            let r = resolver.resolve(text)
            #expect(r.match == .unresolved, "\(text)")
            #expect(r.current.province == nil)
        }
    }

    @Test func aQRAddressWithADoubledCommaAndAHamletWithoutACommaResolves() {
        let r = resolver.resolve("Thôn 3 Xã Ea Kao,, TP. Buôn Ma Thuột, Đắk Lắk", issued: "2022-06-01")
        #expect(r.text == "Thôn 3 Xã Ea Kao, TP. Buôn Ma Thuột, Đắk Lắk")
        #expect(r.detail == "Thôn 3")
        #expect(r.asPrinted.commune?.name == "Xã Ea Kao")
        #expect(r.asPrinted.district?.code == "643")
        #expect(r.current.province?.code == "66")
        #expect(r.current.commune != nil)
    }

    @Test(arguments: [
        "", " ", ",,,", "xyz 123 !!!", "\u{0}\u{1}", "Việt Nam", String(repeating: "Phường ", count: 500),
    ])
    func emptyOrGarbageIsUnresolved(text: String) {
        let r = resolver.resolve(text)
        #expect(r.match == .unresolved || r.match == .provinceOnly)
        #expect(r.current.commune == nil)
    }

    @Test func spellingsOfOneAddressResolveAlike() {
        let forms = [
            "Phường Quảng An, Quận Tây Hồ, Thành phố Hà Nội",
            "P. Quảng An, Q. Tây Hồ, TP. Hà Nội",
            "P.Quảng An,Q.Tây Hồ,TP.Hà Nội",
            "Quảng An , Tây Hồ ,, Hà Nội, Việt Nam",
            "quang an, tay ho, ha noi",
            "Phu\u{031B}\u{0300}o\u{031B}ng Qua\u{0309}ng An, Tây Hồ, Hà Nội",
        ]
        for form in forms {
            let r = resolver.resolve(form, issued: "2021-05-10")
            #expect(r.asPrinted.commune?.code == "00100", "\(form)")
            #expect(r.match == .split, "\(form)")
        }
    }

    @Test func toneOnEitherVowelIsTheSameName() {
        #expect(VietnameseText.exactKey(word: "Hoà") == VietnameseText.exactKey(word: "Hòa"))
        #expect(VietnameseText.exactKey(word: "Thuỵ") == VietnameseText.exactKey(word: "Thụy"))
        #expect(VietnameseText.exactKey(word: "Đồng") != VietnameseText.exactKey(word: "Đông"))
        #expect(VietnameseText.foldedKey(word: "Đồng") == VietnameseText.foldedKey(word: "Đông"))
    }

    @Test func formerProvincesMapToTheCurrentOnes() {
        #expect(AdministrativeUnits.currentProvinces.count == 34)
        #expect(AdministrativeUnits.formerProvinces.count == 63)
        #expect(AdministrativeUnits.currentProvince(forFormerName: "Hà Giang")?.name == "Tỉnh Tuyên Quang")
        #expect(AdministrativeUnits.currentProvince(forFormerName: "Tỉnh Bà Rịa - Vũng Tàu")?.code == "79")
        #expect(AdministrativeUnits.currentProvince(forFormerName: "Thừa Thiên Huế")?.code == "46")
        #expect(AdministrativeUnits.currentProvince(forFormerName: "Quang Binh")?.name == "Tỉnh Quảng Trị")
        #expect(AdministrativeUnits.currentProvince(forFormerName: "Hà Nội")?.code == "01")
        #expect(AdministrativeUnits.currentProvince(forFormerName: "Paris") == nil)
        #expect(AdministrativeUnits.currentProvince(forFormerCode: "24")?.name == "Tỉnh Bắc Ninh")
    }
}
