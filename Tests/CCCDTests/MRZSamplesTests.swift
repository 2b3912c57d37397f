import MRTD
import Testing

@testable import CCCD

/// docs/design.md §4: the TD1 line 1 of a CCCD carries the 12-digit ID in optional data 1;
/// the three samples from the vectors file (icao9303-part11.json, cccd_mrz_samples_td1).
@Suite struct CCCDMRZ {
    static let samples: [([String], id: String)] = [
        (["IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8"], "001093047064"),
        (["IDVNM1820117198031182011719<<8", "8207241F4207243VNM<<<<<<<<<<<2"], "031182011719"),
        (["IDVNM0510019778031051001977<<8", "5108185M9912315VNM<<<<<<<<<<<0"], "031051001977"),
    ]

    @Test(arguments: samples)
    func theIDComesFromTheOptionalData(lines: [String], id: String) throws {
        let mrz = try MRZ(lines: lines + ["NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"])
        #expect(mrz.cccdIDNumber == id)
        #expect(mrz.documentNumber == String(id.suffix(9)))
        let bac = try CCCDKeys.bac(idNumber: id, dateOfBirth: mrz.dateOfBirth, dateOfExpiry: mrz.dateOfExpiry)
        #expect(bac.mrzInformation == mrz.accessKey.mrzInformation)
        #expect(try CCCDKeys.can(idNumber: id) == .can(String(id.suffix(6))))
        #expect(CCCDKeys.birthYear(idNumber: id).map { $0 % 100 } == Int(mrz.dateOfBirth.prefix(2)))
    }

    @Test func aWrongIDCheckDigitIsNotTakenAsTheID() throws {
        // Optional data is outside the document-number check; the composite still covers it.
        let l1 = "IDVNM0930470641001093047064<<3"
        let body = "9301054M3301052VNM<<<<<<<<<<<"
        let composite =
            String(l1.dropFirst(5)) + String(body.prefix(7)) + String(Array(body)[8..<15])
            + String(Array(body)[18..<29])
        let l2 = body + String(try #require(CheckDigit.compute(composite)))
        let mrz = try MRZ(lines: [l1, l2, "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"])
        #expect(mrz.cccdIDNumber == nil)
    }
}
