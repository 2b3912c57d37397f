import Testing

@testable import CCCD

/// Issue 11: the card front's QR against the chip (`qrMatchesChip`).
@Suite struct QRChipComparisonTests {
    static let qr = "049202000284||Khuất Lưu Huy Nhật|24022002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31052021"

    static func chip() -> CitizenRecord.Person {
        CitizenRecord.Person(
            idNumber: "049202000284",
            fullName: "Khuất Lưu Huy Nhật",
            dateOfBirth: "2002-02-24",
            placeOfResidence: "Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội",
            dateOfIssue: "2021-05-31"
        )
    }

    @Test func theSameCardMatches() throws {
        let comparison = QRChipComparison(qr: try CCCDQRCode(Self.qr), chip: Self.chip())
        #expect(comparison.matches)
        #expect(comparison.mismatches.isEmpty)
    }

    @Test func caseWhitespaceUnicodeFormAndDateSpellingDoNotMatter() throws {
        var chip = Self.chip()
        chip.fullName = "  KHUẤT  Lưu huy\tNHẬT "
        // Decomposed (NFD) as some encoders write it.
        chip.placeOfResidence = "Cẩm Bào,  Cẩm Yên, Thạch Thất, Hà Nội".decomposedStringWithCanonicalMapping
        chip.dateOfBirth = "24/02/2002"
        chip.dateOfIssue = "31052021"
        #expect(QRChipComparison(qr: try CCCDQRCode(Self.qr), chip: chip).matches)
    }

    @Test func eachDifferingFieldIsNamed() throws {
        var chip = Self.chip()
        chip.fullName = "Khuất Lưu Huy Nhất"  // one diacritic: another name
        chip.dateOfBirth = "2002-02-25"
        chip.placeOfResidence = "Thạch Thất, Hà Nội"
        chip.dateOfIssue = nil  // missing on the chip cannot confirm the QR
        let comparison = QRChipComparison(qr: try CCCDQRCode(Self.qr), chip: chip)
        #expect(!comparison.matches)
        #expect(comparison.mismatches == [.fullName, .dateOfBirth, .placeOfResidence, .dateOfIssue])
    }

    @Test func anotherIDNumberMismatches() throws {
        var chip = Self.chip()
        chip.idNumber = "001090537057"
        #expect(QRChipComparison(qr: try CCCDQRCode(Self.qr), chip: chip).mismatches == [.idNumber])
    }

    @Test func onlyRecognisedFieldsAreCompared() throws {
        var chip = Self.chip()
        chip.fullName = "Another Name"
        chip.dateOfIssue = "2024-01-01"
        // An unknown layout gives only the ID: nothing else is compared, so nothing mismatches.
        let idOnly = QRChipComparison(qr: try CCCDQRCode("049202000284|A7|2024"), chip: chip)
        #expect(idOnly.compared == [.idNumber])
        #expect(idOnly.matches)
        // A birth date that does not parse is not compared; the recognised name still is.
        let partly = QRChipComparison(
            qr: try CCCDQRCode("049202000284||Khuất Lưu Huy Nhật|2402|Nam|Hà Nội|31052021"),
            chip: chip
        )
        #expect(!partly.compared.contains(.dateOfBirth))
        #expect(partly.mismatches == [.fullName, .placeOfResidence, .dateOfIssue])
    }

    @Test func theSixFieldLayoutIsComparedLikeTheSeven() throws {
        let six = "049202000284|Khuất Lưu Huy Nhật|24/02/2002|Nam|Cẩm Bào, Cẩm Yên, Thạch Thất, Hà Nội|31/05/2021"
        let comparison = QRChipComparison(qr: try CCCDQRCode(six), chip: Self.chip())
        #expect(comparison.compared == QRChipComparison.Field.allCases)
        #expect(comparison.matches)
    }

    @Test func datesNormalise() {
        #expect(QRChipComparison.isoDay("2002-02-24") == "2002-02-24")
        #expect(QRChipComparison.isoDay("24/02/2002") == "2002-02-24")
        #expect(QRChipComparison.isoDay("24022002") == "2002-02-24")
        #expect(QRChipComparison.isoDay("2002-02-30") == nil)
        #expect(QRChipComparison.isoDay("Không thời hạn") == nil)
    }
}
