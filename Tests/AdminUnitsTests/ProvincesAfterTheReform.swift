import Testing

@testable import AdminUnits

/// The facility registry's provinces (docs/inventory.md, "The country"): a former province is
/// reported under the one it merged into, with its former name; a current one stays itself.
@Suite struct ProvincesAfterTheReform {
    @Test func aMergedProvinceIsReportedUnderTheCurrentOneWithItsFormerName() throws {
        let province = try #require(AdministrativeUnits.province(named: "Bình Phước"))
        #expect(province.current.name.contains("Đồng Nai"))
        #expect(province.former?.name.contains("Bình Phước") == true)
        #expect(province.current.code.count == 2)
    }

    @Test func aCurrentProvinceHasNoFormerName() throws {
        let province = try #require(AdministrativeUnits.province(named: "Thành phố Hà Nội"))
        #expect(province.current.code == "01")
        #expect(province.former == nil)
    }

    @Test func everyFormerProvinceMapsToOneOfTheThirtyFour() {
        let current = Set(AdministrativeUnits.currentProvinces.map(\.code))
        #expect(current.count == 34)
        #expect(AdministrativeUnits.formerProvinces.count == 63)
        for (former, now) in AdministrativeUnits.formerProvinces {
            #expect(AdministrativeUnits.province(named: former.name)?.current == now, "\(former.name)")
            #expect(current.contains(now.code))
        }
    }

    @Test func somethingThatIsNoProvinceIsNil() {
        #expect(AdministrativeUnits.province(named: "Bệnh viện Đa khoa") == nil)
    }
}
