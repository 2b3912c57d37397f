import MRTD
import Testing

@testable import CCCD

/// docs/design.md §4 and docs/design.md §9.5: the QR code of a CCCD, as scanners deliver it.
@Suite struct QRCode {
    static let sample = "049202000284||Khuất Lưu Huy Nhật|24022002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31052021"
    static let allSeven: [CCCDQRCode.Field] = CCCDQRCode.Field.allCases

    @Test func theSample() throws {
        let qr = try CCCDQRCode(Self.sample)
        #expect(qr.idNumber == "049202000284")
        #expect(qr.oldIdNumber == nil)
        #expect(qr.fullName == "Khuất Lưu Huy Nhật")
        #expect(qr.dateOfBirth == "2002-02-24")
        #expect(qr.sex == .male)
        #expect(qr.placeOfResidence == "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội")
        #expect(qr.dateOfIssue == "2021-05-31")
        #expect(qr.accessKey == .can("000284"))
        #expect(qr.layout == .sevenFields)
        #expect(qr.recognisedFields == Self.allSeven)
    }

    @Test func oldIDTrailingFieldsAndWhitespace() throws {
        let qr = try CCCDQRCode("  001099012345|012345678|Nguyễn Văn An|15031999|Nữ|Hà Nội|20052024|extra|\n")
        #expect(qr.oldIdNumber == "012345678")
        #expect(qr.sex == .female)
        #expect(qr.extraFields == ["extra", ""])
        #expect(qr.recognisedFields == Self.allSeven)
    }

    @Test func aByteOrderMarkAndCRLFAreScannerNoise() throws {
        let qr = try CCCDQRCode("\u{FEFF}" + Self.sample + "\r\n")
        #expect(qr.idNumber == "049202000284")
        #expect(qr.dateOfIssue == "2021-05-31")
        #expect(qr.recognisedFields == Self.allSeven)
    }

    @Test func zeroWidthCharactersAnywhereAreRemoved() throws {
        let qr = try CCCDQRCode(
            "\u{200B}0492020\u{200D}00284|\u{2060}|Khuất Lưu Huy Nhật|24022002|Nam|Hà Nội|31052021\u{200C}"
        )
        #expect(qr.idNumber == "049202000284")
        #expect(qr.accessKey == .can("000284"))
        #expect(qr.dateOfIssue == "2021-05-31")
    }

    @Test func sixFieldsWithSlashDates() throws {
        let qr = try CCCDQRCode(
            "049202000284|Khuất Lưu Huy Nhật|24/02/2002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31/05/2021"
        )
        #expect(qr.layout == .sixFields)
        #expect(qr.oldIdNumber == nil)
        #expect(qr.fullName == "Khuất Lưu Huy Nhật")
        #expect(qr.dateOfBirth == "2002-02-24")
        #expect(qr.sex == .male)
        #expect(qr.placeOfResidence == "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội")
        #expect(qr.dateOfIssue == "2021-05-31")
        #expect(qr.recognisedFields == [.idNumber, .fullName, .dateOfBirth, .sex, .placeOfResidence, .dateOfIssue])
    }

    @Test(arguments: ["049202000284", "049202000284|", "049202000284|A7|2024", "049202000284|x|y|z|w"])
    func anyTextStartingWithTheIDOpensTheChip(text: String) throws {
        let qr = try CCCDQRCode(text)
        #expect(qr.layout == .idOnly)
        #expect(qr.accessKey == .can("000284"))
        #expect(qr.recognisedFields == [.idNumber])
        #expect(qr.fullName == nil && qr.dateOfBirth == nil && qr.dateOfIssue == nil)
    }

    @Test func malformedFieldsAreUnrecognisedNotFatal() throws {
        let qr = try CCCDQRCode("049202000284|12ab|A1|2402200|Nam|X|31132021")
        #expect(qr.idNumber == "049202000284")
        #expect(qr.oldIdNumber == nil)
        #expect(qr.fullName == nil, "a name has no digits")
        #expect(qr.dateOfBirth == nil)
        #expect(qr.dateOfIssue == nil)
        #expect(qr.recognisedFields == [.idNumber, .sex, .placeOfResidence])
    }

    @Test func aHealthInsuranceCardIsRecognisedAndRefused() {
        let name = Array("Nguyễn Văn An".utf8).map { String($0, radix: 16) }.joined()
        let bhyt =
            "HS4010120878811|\(name)|15/03/1999|2|4861204ee1bb9969|01 - 001|01/01/2024|31/12/2024|01/01/2024|0100123456|-|4|01/01/2024|5f3c9a1e|-|$"
        #expect(throws: CCCDError.healthInsuranceCard) { try CCCDQRCode(bhyt) }
        #expect(throws: CCCDError.healthInsuranceCard) { try CCCDQRCode("\u{FEFF}" + bhyt + "\r\n") }
        // The newer cards start with the 10-digit social-insurance number.
        #expect(throws: CCCDError.healthInsuranceCard) { try CCCDQRCode("0100123456|\(name)|15/03/1999|2|$") }
    }

    @Test func rejected() {
        #expect(throws: CCCDError.qrNotIDCard) { try CCCDQRCode("a|b|c") }
        #expect(throws: CCCDError.qrNotIDCard) { try CCCDQRCode("04920200028||A|24022002|Nam|X|31052021") }
        #expect(throws: CCCDError.qrNotIDCard) { try CCCDQRCode("04920200028A||A|24022002|Nam|X|31052021") }
        #expect(throws: CCCDError.invalidIDNumber) { try CCCDQRCode("https://example.org/") }
        #expect(throws: CCCDError.invalidIDNumber) { try CCCDQRCode("\u{FEFF}\r\n") }
    }
}
