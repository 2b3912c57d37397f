import Foundation
import Testing

@testable import MRTD

/// ICAO 9303-3 §4.9, 9303-4 §4.2 (TD3), 9303-5 §4.2 (TD1).
@Suite struct MRZParsing {
    struct Vectors: Decodable {
        let cccd_mrz_samples_td1: [[String]]
    }

    static func td1Samples() throws -> [[String]] {
        guard
            let url = Bundle.module.url(forResource: "icao9303-part11", withExtension: "json", subdirectory: "Vectors")
        else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url)).cccd_mrz_samples_td1
    }

    static let nameLine = "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"

    @Test func theThreeCCCDSamplesHaveValidCheckDigits() throws {
        let samples = try Self.td1Samples()
        #expect(samples.count == 3)
        for s in samples {
            let mrz = try MRZ(lines: s + [Self.nameLine])
            #expect(mrz.format == .td1)
            #expect(mrz.documentCode == "ID")
            #expect(mrz.issuingState == "VNM")
            #expect(mrz.nationality == "VNM")
            #expect(mrz.documentNumber.count == 9)
            // The document number is the last 9 digits of the ID in optional data 1.
            #expect(mrz.optionalData1.hasPrefix("0"))
            #expect(String(mrz.optionalData1.prefix(12)).hasSuffix(mrz.documentNumber))
        }
    }

    @Test func firstSampleFields() throws {
        let mrz = try MRZ(lines: ["IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", Self.nameLine])
        #expect(mrz.documentNumber == "093047064")
        #expect(mrz.optionalData1 == "001093047064<<2")
        #expect(mrz.dateOfBirth == "930105")
        #expect(mrz.sex == .male)
        #expect(mrz.dateOfExpiry == "330105")
        #expect(mrz.optionalData2 == "<<<<<<<<<<<")
        #expect(mrz.primaryIdentifier == "NGUYEN")
        #expect(mrz.secondaryIdentifier == "VAN AN")
        #expect(mrz.accessKey == .mrz(documentNumber: "093047064", dateOfBirth: "930105", dateOfExpiry: "330105"))
    }

    @Test func neverExpiringSampleCarries991231() throws {
        let mrz = try MRZ(lines: ["IDVNM0510019778031051001977<<8", "5108185M9912315VNM<<<<<<<<<<<0", Self.nameLine])
        #expect(mrz.dateOfExpiry == "991231")
    }

    @Test func textWithNewlinesWhitespaceAndLowercase() throws {
        let text =
            "  idvnm0930470641001093047064<<2 \r\n9301054m3301052vnm<<<<<<<<<<<8\n nguyen<<van<an<<<<<<<<<<<<<<<<  \n"
        let mrz = try MRZ(text: text)
        #expect(mrz.documentNumber == "093047064")
        #expect(mrz.lines[0] == "IDVNM0930470641001093047064<<2")
    }

    @Test func textRunTogetherAsInDG1() throws {
        let mrz = try MRZ(text: "IDVNM0930470641001093047064<<2" + "9301054M3301052VNM<<<<<<<<<<<8" + Self.nameLine)
        #expect(mrz.format == .td1)
    }

    static let td3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]

    @Test func icaoTD3Specimen() throws {
        let mrz = try MRZ(lines: Self.td3)
        #expect(mrz.format == .td3)
        #expect(mrz.documentCode == "P")
        #expect(mrz.issuingState == "UTO")
        #expect(mrz.documentNumber == "L898902C3")
        #expect(mrz.nationality == "UTO")
        #expect(mrz.dateOfBirth == "740812")
        #expect(mrz.sex == .female)
        #expect(mrz.dateOfExpiry == "120415")
        #expect(mrz.optionalData1 == "ZE184226B<<<<<")
        #expect(mrz.primaryIdentifier == "ERIKSSON")
        #expect(mrz.secondaryIdentifier == "ANNA MARIA")
        #expect(mrz.accessKey.mrzInformation == "L898902C3674081221204159")
    }

    @Test func td1LongDocumentNumber() throws {
        // ICAO 9303-5 §4.2.2 note j: "D23145890734" with check 9 continues into optional data.
        let l1 = "I<UTOD23145890<7349<<<<<<<<<<<"
        let body = "7408122F1204159UTO<<<<<<<<<<<0"
        let composite =
            String(Array(l1)[5..<30]) + String(Array(body)[0..<7]) + String(Array(body)[8..<15])
            + String(Array(body)[18..<29])
        let l2 = String(body.dropLast()) + String(try #require(CheckDigit.compute(composite)))
        let mrz = try MRZ(lines: [l1, l2, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"])
        #expect(mrz.documentNumber == "D23145890734")
        #expect(mrz.optionalData1 == "<<<<<<<<<<")
    }

    @Test(arguments: [
        (0, 14, MRZ.Field.documentNumber), (1, 6, .dateOfBirth), (1, 14, .dateOfExpiry), (1, 29, .composite),
    ])
    func badCheckDigitsAreNamed(line: Int, column: Int, field: MRZ.Field) {
        var lines = ["IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", Self.nameLine]
        var chars = Array(lines[line])
        chars[column] = chars[column] == "0" ? "1" : "0"
        lines[line] = String(chars)
        #expect(throws: MRZError.badCheckDigit(field)) { try MRZ(lines: lines) }
    }

    @Test func badTD3CompositeAndPersonalNumber() {
        #expect(throws: MRZError.badCheckDigit(.composite)) {
            try MRZ(lines: [Self.td3[0], String(Self.td3[1].dropLast()) + "9"])
        }
        var l2 = Array(Self.td3[1])
        l2[42] = "5"
        #expect(throws: MRZError.badCheckDigit(.optionalData)) { try MRZ(lines: [Self.td3[0], String(l2)]) }
    }

    @Test func wrongLengthsAndCharactersNameTheLine() {
        #expect(throws: MRZError.wrongLineLength(line: 2, expected: 30, actual: 29)) {
            try MRZ(lines: ["IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<8", Self.nameLine])
        }
        #expect(throws: MRZError.invalidCharacter(line: 3, column: 7)) {
            try MRZ(lines: [
                "IDVNM0930470641001093047064<<2", "9301054M3301052VNM<<<<<<<<<<<8", "NGUYEN-<VAN<AN<<<<<<<<<<<<<<<<",
            ])
        }
        #expect(throws: MRZError.unsupportedFormat(lineCount: 1, lengths: [30])) {
            try MRZ(lines: ["IDVNM0930470641001093047064<<2"])
        }
        #expect(throws: MRZError.self) { try MRZ(text: "") }
    }

    @Test func impossibleDateIsInvalidField() {
        // Month 13 with a matching check digit.
        let dob = "931305"
        let l2 = dob + String(CheckDigit.compute(dob) ?? "0") + "M3301052VNM<<<<<<<<<<<8"
        #expect(throws: MRZError.invalidField(.dateOfBirth)) {
            try MRZ(lines: ["IDVNM0930470641001093047064<<2", l2, Self.nameLine])
        }
    }
}
