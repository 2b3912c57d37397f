import Foundation

/// The QR code on the card front checked against the chip (docs/integration.md §5, `qrMatchesChip`).
///
/// The QR is printed, so anyone can print another; the chip is signed. When a scanned QR
/// opened the chip, its printed fields should still say what the chip says: a mismatch
/// means a reprinted or doctored card front, or the chip of another card, and reception
/// must look at it. Values are compared after normalisation (Unicode NFC, case, runs of
/// whitespace, ISO or Vietnamese date spellings), so formatting alone never mismatches.
/// Only the fields the QR carried recognisably are compared (`CCCDQRCode.recognisedFields`):
/// a field the QR lacks or that did not parse neither matches nor mismatches.
public struct QRChipComparison: Sendable, Hashable {
    /// The compared fields, as named in the record (`person.*`).
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case idNumber, fullName, dateOfBirth, placeOfResidence, dateOfIssue
    }

    /// Fields whose values differ, in `Field.allCases` order; empty when everything compared matches.
    public let mismatches: [Field]
    /// The fields the QR carried recognisably and were therefore compared, in `Field.allCases`
    /// order. A QR of an unknown layout gives only the ID: nothing else is compared.
    public let compared: [Field]

    public var matches: Bool { mismatches.isEmpty }

    public init(qr: CCCDQRCode, chip: CitizenRecord.Person) {
        var differing: [Field] = []
        var compared: [Field] = []
        for field in Field.allCases {
            let same: Bool
            switch field {
            case .idNumber: same = Self.sameText(qr.idNumber, chip.idNumber)
            case .fullName:
                guard let name = qr.fullName else { continue }
                same = Self.sameText(name, chip.fullName)
            case .dateOfBirth:
                guard let birth = qr.dateOfBirth else { continue }
                same = Self.sameDate(birth, chip.dateOfBirth)
            case .placeOfResidence:
                guard let place = qr.placeOfResidence else { continue }
                same = Self.sameText(place, chip.placeOfResidence)
            case .dateOfIssue:
                guard let issue = qr.dateOfIssue else { continue }
                same = Self.sameDate(issue, chip.dateOfIssue)
            }
            compared.append(field)
            if !same { differing.append(field) }
        }
        mismatches = differing
        self.compared = compared
    }

    /// Equal after NFC, lower-casing and collapsing whitespace; diacritics are kept, since
    /// "Hà" and "Hạ" are different names. A field missing on the chip cannot confirm the QR.
    static func sameText(_ qr: String, _ chip: String?) -> Bool {
        guard let chip else { return false }
        return normalised(qr) == normalised(chip)
    }

    static func normalised(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Equal as calendar days, whether written `YYYY-MM-DD`, `dd/mm/yyyy` or `ddMMyyyy`.
    static func sameDate(_ qr: String, _ chip: String?) -> Bool {
        guard let chip, let a = isoDay(qr), let b = isoDay(chip) else { return false }
        return a == b
    }

    static func isoDay(_ text: String) -> String? {
        let t = text.trimmingWhitespace()
        let parts = t.split(separator: "-")
        if parts.count == 3, parts[0].count == 4, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        {
            return VietnameseText.isoDate(String(format: "%02d/%02d/%04d", d, m, y))
        }
        return VietnameseText.isoDate(t)
    }
}
