import MRTD
import Testing

@testable import CCCD

/// docs/design.md §4: CAN = last 6 digits, BAC document number = last 9, expiry milestones.
@Suite struct AccessKeysFromTheID {
    @Test func canFromTheID() throws {
        #expect(try CCCDKeys.can(idNumber: "001099012345") == .can("012345"))
        #expect(throws: CCCDError.invalidIDNumber) { try CCCDKeys.can(idNumber: "12345") }
    }

    @Test func canFromTheQR() throws {
        let qr = try CCCDQRCode(QRCode.sample)
        #expect(CCCDKeys.can(qr: qr) == .can("000284"))
    }

    @Test func bacFromIDAndDates() throws {
        let key = try CCCDKeys.bac(idNumber: "001093047064", dateOfBirth: "930105", dateOfExpiry: "330105")
        #expect(key == .mrz(documentNumber: "093047064", dateOfBirth: "930105", dateOfExpiry: "330105"))
        // Same as the MRZ on the card (vectors sample 1).
        let mrz = try MRZ(lines: [
            "IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", "A<<B<<<<<<<<<<<<<<<<<<<<<<<<<<",
        ])
        #expect(key.mrzInformation == mrz.accessKey.mrzInformation)
        #expect(mrz.cccdIDNumber == "001093047064")
        #expect(throws: CCCDError.invalidDate) {
            try CCCDKeys.bac(idNumber: "001093047064", dateOfBirth: "931305", dateOfExpiry: "330105")
        }
    }

    @Test func centuryFromTheFourthDigit() {
        #expect(CCCDKeys.birthYear(idNumber: "001093047064") == 1993)
        #expect(CCCDKeys.birthYear(idNumber: "049202000284") == 2002)
        #expect(CCCDKeys.birthYear(idNumber: "031182011719") == 1982)
        #expect(CCCDKeys.birthYear(idNumber: "079305000111") == 2005)
    }

    @Test func expiryCandidatesForAThirtyYearOld() throws {
        // Born 1993-01-05, asked in 2026: next milestone 40 (2033), then 60, then never, then 25 and 14.
        let c = try CCCDKeys.expiryCandidates(idNumber: "001093047064", dateOfBirth: "930105", today: "2026-11-24")
        #expect(c == ["330105", "530105", "991231", "180105", "070105"])
    }

    @Test func expiryCandidatesNearSixtyPutNeverFirst() throws {
        let c = try CCCDKeys.expiryCandidates(idNumber: "001066047064", dateOfBirth: "660301", today: "2025-01-01")
        #expect(c.first == "991231")
        #expect(Set(c) == ["991231", "260301", "060301", "910301", "800301"])
    }

    @Test func expiryCandidatesForAChild() throws {
        let c = try CCCDKeys.expiryCandidates(idNumber: "001215047064", dateOfBirth: "150229", today: "2026-01-01")
        #expect(c == ["290228", "400229", "550228", "750228", "991231"])
        #expect(
            try CCCDKeys.bacCandidates(idNumber: "001215047064", dateOfBirth: "150229", today: "2026-01-01").count == 5
        )
        #expect(throws: CCCDError.invalidDate) {
            try CCCDKeys.expiryCandidates(idNumber: "001215047064", dateOfBirth: "140229")
        }
    }
}
