import AdminUnits
import CardSimulator
import Foundation
import MRTD
import Testing

@testable import CCCD

/// Issue 27, "done when": the record of a card issued in 2021 with "…, Quảng An, Tây Hồ, Hà
/// Nội" carries Hà Nội's current code and the two wards Quảng An was split into, as a choice.
@Suite struct CitizenRecordAddress {
    static func record(profile name: String) throws -> CitizenRecord {
        let profile = try CitizenProfile.load(named: name)
        let files = try profile.files()
        let dg13 = try DG13(try #require(files[.dg13]))
        return CitizenRecord(
            mrz: nil,
            dg13: dg13,
            face: nil,
            access: .init(method: .pace, reason: nil),
            stats: .init(apdus: 0, bytesSent: 0, bytesReceived: 0, durationMs: 0, files: [])
        )
    }

    @Test func aSplitCommuneOfA2021CardIsAChoiceWithHaNoisCode() throws {
        let record = try Self.record(profile: "tran-minh-khoa")
        #expect(record.person.dateOfIssue == "2021-09-10")
        let residence = try #require(record.person.placeOfResidenceAddress)
        #expect(residence.text == record.person.placeOfResidence)
        #expect(residence.match == .split)
        #expect(residence.current.province == UnitRef(code: "01", name: "Thành phố Hà Nội"))
        #expect(residence.current.commune == nil)
        #expect(Set(residence.current.candidates.map(\.code)) == ["00097", "00103"])
        #expect(residence.asPrinted.list == "2021-11")
        let origin = try #require(record.person.placeOfOriginAddress)
        #expect(origin.asPrinted.commune?.name == "Xã Vạn Phúc")
        #expect(origin.current.commune != nil)
    }

    @Test func theAddressObjectsAreInTheJSONWithEveryKey() throws {
        let record = try Self.record(profile: "dang-ngoc-mai")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(record.json().utf8)) as? [String: Any]
        )
        let person = try #require(json["person"] as? [String: Any])
        let residence = try #require(person["placeOfResidenceAddress"] as? [String: Any])
        #expect(Set(residence.keys) == ["text", "detail", "asPrinted", "current", "match", "dataVersion"])
        let printed = try #require(residence["asPrinted"] as? [String: Any])
        #expect(Set(printed.keys) == ["list", "province", "district", "commune"])
        let current = try #require(residence["current"] as? [String: Any])
        #expect(Set(current.keys) == ["list", "province", "commune", "candidates"])
        #expect((current["province"] as? [String: Any])?["code"] as? String == "79")
        #expect(residence["detail"] as? String == "88/12 Trần Hưng Đạo")
        let decoded = try JSONDecoder().decode(CitizenRecord.self, from: Data(record.json().utf8))
        #expect(decoded.person.placeOfResidenceAddress == record.person.placeOfResidenceAddress)
    }

    @Test func noFieldNoAddress() {
        var person = CitizenRecord.Person(idNumber: "001090537057")
        person.resolveAddresses()
        #expect(person.placeOfResidenceAddress == nil && person.placeOfOriginAddress == nil)
    }
}
