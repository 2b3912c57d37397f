import CCCD
import Foundation
import MRTD
import Testing

@testable import CancuocAPI
@testable import CardService
@testable import ServiceTestSupport

/// Issue 17: a key that cannot open a card is told to a person, in Vietnamese and English,
/// with what to type or scan; the CLI and the API take the sentences from `KeyError` alone.
@Suite struct KeyErrorMessages {
    static let mrzFields: [MRZ.Field] = [
        .documentCode, .issuingState, .documentNumber, .dateOfBirth, .sex,
        .dateOfExpiry, .nationality, .optionalData, .composite,
    ]

    /// Every case; `exhaustive` makes a new case a compile error here until it is listed.
    static let all: [KeyError] = {
        let simple: [KeyError] = [
            .missing, .several, .unknownMethod, .idNumber, .can, .date, .bacNeedsBirthDate,
            .bacWithCAN, .bacWithQR, .documentNumberNeedsDates, .documentNumberCharacters,
            .qrNotIDCard, .healthInsuranceCard,
        ]
        let mrz: [MRZError] =
            [
                .unsupportedFormat(lineCount: 2, lengths: [30, 30]),
                .wrongLineLength(line: 2, expected: 30, actual: 29),
                .invalidCharacter(line: 1, column: 7),
            ]
            + mrzFields.map { .badCheckDigit($0) } + mrzFields.map { .invalidField($0) }
        return simple + mrz.map(KeyError.mrz)
    }()

    static func exhaustive(_ e: KeyError) {
        switch e {
        case .missing, .several, .unknownMethod, .idNumber, .can, .date, .bacNeedsBirthDate, .bacWithCAN, .bacWithQR,
            .documentNumberNeedsDates, .documentNumberCharacters, .qrNotIDCard, .healthInsuranceCard, .mrz:
            break
        }
    }

    @Test func theDetectorFindsEnumNames() {
        #expect(camelCaseIdentifiers(in: "Invalid access key: invalidIDNumber") == ["invalidIDNumber"])
        #expect(camelCaseIdentifiers(in: "qrTooFewFields(6)") == ["qrTooFewFields"])
        #expect(camelCaseIdentifiers(in: "Type the ID number (PACE, CAN, MRZ).").isEmpty)
    }

    @Test(arguments: all)
    func everyKeyErrorIsASentenceInBothLanguages(error: KeyError) {
        Self.exhaustive(error)
        for text in [error.message, error.messageVi] {
            #expect(camelCaseIdentifiers(in: text).isEmpty, "\(text)")
            #expect(text.count >= 30 && text.hasSuffix("."), "\(text)")
            #expect(text.first?.isUppercase == true, "\(text)")
        }
        #expect(error.message != error.messageVi)
        // Vietnamese is written with its diacritics.
        #expect(error.messageVi.unicodeScalars.contains { $0.value > 0x7F }, "\(error.messageVi)")
    }

    @Test func theCLIAndTheAPIShowTheSameSentences() {
        for key in Self.all {
            let failure = ReadFailure.badKey(key)
            #expect(failure.message == key.message)
            #expect(failure.messageVi == key.messageVi)
            let json = failure.apiError().jsonValue
            #expect(json["code"] == .int(-32602))
            #expect(json["message"] == .string(key.message))
            #expect(json["data"]?["messageVi"] == .string(key.messageVi))
            #expect(json["data"]?["reason"] == .string("invalidParams"))
        }
    }

    static func refusal(_ spec: KeySpec) -> KeyError? {
        do {
            _ = try spec.resolve()
            return nil
        } catch {
            guard case .badKey(let key) = error else { return nil }
            return key
        }
    }

    @Test func eachWrongKeyGetsItsOwnSentence() {
        let name = Array("Nguyễn Văn An".utf8).map { String($0, radix: 16) }.joined()
        let cases: [(KeySpec, KeyError)] = [
            (KeySpec(), .missing),
            (KeySpec(id: "001099012345", can: "123456"), .several),
            (KeySpec(id: "001099012345", method: "CA"), .unknownMethod),
            (KeySpec(id: "00109901234"), .idNumber),
            (KeySpec(id: "0010990123456", method: "BAC"), .idNumber),
            (KeySpec(id: "001099012345", method: "BAC"), .bacNeedsBirthDate),
            (KeySpec(id: "001099012345", dateOfBirth: "991399", dateOfExpiry: "391231"), .date),
            (KeySpec(can: "12345"), .can),
            (KeySpec(can: "123456", method: "BAC"), .bacWithCAN),
            (KeySpec(qr: "001099012345", method: "BAC"), .bacWithQR),
            (KeySpec(qr: "\u{FEFF}https://example.org/"), .qrNotIDCard),
            (KeySpec(qr: "00109901234|A|B"), .qrNotIDCard),
            (KeySpec(qr: "HS4010120878811|\(name)|15/03/1999|2|-|$"), .healthInsuranceCard),
            (KeySpec(documentNumber: "099012345"), .documentNumberNeedsDates),
            (KeySpec(documentNumber: "099012345", dateOfBirth: "99031", dateOfExpiry: "391231"), .date),
            (
                KeySpec(documentNumber: "0990-12345", dateOfBirth: "990315", dateOfExpiry: "391231"),
                .documentNumberCharacters
            ),
        ]
        for (spec, expected) in cases {
            #expect(Self.refusal(spec) == expected, "\(spec)")
        }
        guard case .mrz(.unsupportedFormat)? = Self.refusal(KeySpec(mrz: "IDVNM")) else {
            Issue.record("a short MRZ is refused as the wrong format")
            return
        }
    }

    @Test func scannerNoiseDoesNotStopAKey() throws {
        let resolved = try KeySpec(qr: "\u{FEFF}001099012345|Nguyễn Văn An|15/03/1999|Nữ|Hà Nội|20/05/2024\r\n")
            .resolve()
        #expect(resolved.key == .can("012345"))
    }
}
