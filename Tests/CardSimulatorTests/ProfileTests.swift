import CCCD
import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// Every bundled profile builds files that our own parsers read back to the profile's values.
@Suite struct Profiles {
    static let names = ["dang-ngoc-mai", "hoang-van-thach", "le-thi-hong-nhung", "tran-minh-khoa"]

    static func iso(_ ddmmyyyy: String) -> String {
        let p = ddmmyyyy.split(separator: "/")
        return "\(p[2])-\(p[1])-\(p[0])"
    }

    @Test func allBundled() {
        #expect(CitizenProfile.bundledNames == Self.names)
        #expect(throws: CitizenProfile.LoadError.notFound("nobody")) { try CitizenProfile.load(named: "nobody") }
    }

    @Test(arguments: names)
    func loadsAndParsesBack(name: String) throws {
        let p = try CitizenProfile.load(named: name)
        let d = p.dg13

        let com = try EFCOM(p.efCOM())
        #expect(com.dataGroups == [.dg1, .dg2, .dg3, .dg13, .dg14, .dg15])

        let dg1 = try DG1(p.dg1())
        #expect(dg1.mrz.lines == p.mrz)
        #expect(dg1.mrz.cccdIDNumber == d.idNumber)
        #expect(dg1.mrz.documentNumber == String(d.idNumber.suffix(9)))
        #expect(CCCDKeys.isIDNumber(d.idNumber))
        #expect(CCCDKeys.birthYear(idNumber: d.idNumber) == Int(d.dateOfBirth.suffix(4)))

        let jpeg = try p.faceJPEG()
        #expect((15_000...20_000).contains(jpeg.count))
        let face = try #require(try DG2(p.dg2()).face)
        #expect(face.imageData == jpeg)
        #expect(face.mimeType == "image/jpeg")
        #expect(face.width == 360 && face.height == 480)
        #expect(FaceImage.jpegDimensions(jpeg)?.width == 360 && FaceImage.jpegDimensions(jpeg)?.height == 480)

        let dg13 = try DG13(p.dg13File())
        #expect(dg13.idNumber == d.idNumber)
        #expect(dg13.fullName == d.fullName)
        #expect(dg13.dateOfBirth == Self.iso(d.dateOfBirth))
        #expect(dg13.sex == Sex(vietnamese: d.sex))
        #expect(dg13.nationality == d.nationality)
        #expect(dg13.ethnicity == d.ethnicity)
        #expect(dg13.religion == d.religion)
        #expect(dg13.placeOfOrigin == d.placeOfOrigin)
        #expect(dg13.placeOfResidence == d.placeOfResidence)
        #expect(dg13.identifyingMarks == d.identifyingMarks)
        #expect(dg13.dateOfIssue == Self.iso(d.dateOfIssue))
        #expect(dg13.fatherName == d.fatherName)
        #expect(dg13.motherName == d.motherName)
        #expect(dg13.spouseName == d.spouseName)
        #expect(dg13.oldIdNumber == d.oldIdNumber)
        #expect(dg13.extra[16] == d.field16)
        if d.dateOfExpiry == "Không thời hạn" {
            #expect(dg13.neverExpires && dg13.dateOfExpiry == nil)
            #expect(dg1.mrz.dateOfExpiry == "991231")
        } else {
            #expect(dg13.dateOfExpiry == Self.iso(d.dateOfExpiry))
            #expect("20" + dg1.mrz.dateOfExpiry == Self.iso(d.dateOfExpiry).replacingOccurrences(of: "-", with: ""))
        }
        // MRZ and DG13 agree on the person.
        #expect(
            "19" + dg1.mrz.dateOfBirth == Self.iso(d.dateOfBirth).replacingOccurrences(of: "-", with: "")
                || "20" + dg1.mrz.dateOfBirth == Self.iso(d.dateOfBirth).replacingOccurrences(of: "-", with: "")
        )
        #expect(dg1.mrz.sex == (d.sex == "Nam" ? .male : .female))
    }

    @Test func theProfilesCoverTheCases() throws {
        let all = try Self.names.map { name throws(CitizenProfile.LoadError) in try CitizenProfile.load(named: name) }
        #expect(all.contains { $0.dg13.dateOfExpiry == "Không thời hạn" && $0.mrz[1].contains("991231") })
        #expect(all.contains { $0.dg13.sex == "Nữ" && $0.dg13.spouseName != nil })
        #expect(all.contains { $0.dg13.oldIdNumber?.count == 9 })
        #expect(all.contains { $0.dg13.parentsNesting == .flat })
        #expect(all.contains { $0.dg13.parentsNesting == .nested })
    }

    @Test func neverExpiringProfileGivesNullExpiryInTheRecord() throws {
        let p = try CitizenProfile.load(named: "hoang-van-thach")
        let record = CitizenRecord(
            dg1: try DG1(p.dg1()),
            dg13: try DG13(p.dg13File()),
            dg2: try DG2(p.dg2()),
            includeFaceData: true,
            access: .init(method: .pace, reason: nil),
            stats: .init()
        )
        let json = try record.json(sortedKeys: true)
        #expect(json.contains("\"dateOfExpiry\":null"))
        #expect(json.contains("Hoàng Văn Thạch"))
        #expect(record.person.oldIdNumber == "186123457")
        #expect(record.face?.data?.count ?? 0 > 20_000)
        #expect(record.face?.width == 360)
    }

    @Test func loadsFromAPath() throws {
        let bundled = try CitizenProfile.load(named: "tran-minh-khoa")
        let dir = try #require(bundled.directory)
        let p = try CitizenProfile.load(contentsOf: dir.appendingPathComponent("tran-minh-khoa.json"))
        #expect(p == bundled)
        #expect(try p.files().keys.count == 4)
    }
}
