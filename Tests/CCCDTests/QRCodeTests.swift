import Testing
import MRTD
@testable import CCCD

/// docs/design.md §4: the QR code on the card front.
@Suite struct QRCode {
    static let sample = "049202000284||Khuất Lưu Huy Nhật|24022002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31052021"

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
    }

    @Test func oldIDTrailingFieldsAndWhitespace() throws {
        let qr = try CCCDQRCode("  001099012345|012345678|Nguyễn Văn An|15031999|Nữ|Hà Nội|20052024|extra|\n")
        #expect(qr.oldIdNumber == "012345678")
        #expect(qr.sex == .female)
        #expect(qr.extraFields == ["extra", ""])
    }

    @Test func rejected() {
        #expect(throws: CCCDError.qrTooFewFields(3)) { try CCCDQRCode("a|b|c") }
        #expect(throws: CCCDError.invalidIDNumber) { try CCCDQRCode("04920200028||A|24022002|Nam|X|31052021") }
        #expect(throws: CCCDError.invalidIDNumber) { try CCCDQRCode("04920200028A||A|24022002|Nam|X|31052021") }
        #expect(throws: CCCDError.qrInvalidField(4)) { try CCCDQRCode("049202000284||A|2402200|Nam|X|31052021") }
        #expect(throws: CCCDError.qrInvalidField(7)) { try CCCDQRCode("049202000284||A|24022002|Nam|X|31132021") }
    }
}
