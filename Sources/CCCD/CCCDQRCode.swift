import Foundation
import MRTD

/// The QR code printed on a CCCD (docs/design.md §4), as a scanner delivers it.
///
/// Known layouts, all `|`-separated and starting with the 12-digit ID:
/// - seven fields (2016 and 2021 cards, front): `ID12|old ID9 or empty|full name|ddMMyyyy (birth)|Nam/Nữ|place of residence|ddMMyyyy (issue)`,
///   with any later fields kept as `extraFields`;
/// - six fields (no old-ID field, dates `dd/MM/yyyy`): `ID12|full name|dd/MM/yyyy|Nam/Nữ|place of residence|dd/MM/yyyy`;
/// - anything else whose first field is 12 digits (the 2024 Căn cước card has its QR on the back and
///   its field order is not public): only the ID is taken.
///
/// To open the chip only the ID is needed (its last six digits are the CAN). The other fields are
/// taken only when they look like what their position promises, and `recognisedFields` says
/// which were; the QR↔chip comparison uses those alone. Scanner noise is removed first: a
/// byte-order mark (U+FEFF), zero-width characters, CR/LF and surrounding whitespace.
///
/// A health-insurance (BHYT) card's QR is recognised and refused (`.healthInsuranceCard`), so
/// reception is told to scan the ID card instead of "invalid ID number".
public struct CCCDQRCode: Sendable, Hashable {
    /// The fields a CCCD QR can carry, in the seven-field order.
    public enum Field: String, Sendable, Hashable, CaseIterable, Comparable {
        case idNumber, oldIdNumber, fullName, dateOfBirth, sex, placeOfResidence, dateOfIssue

        public static func < (a: Field, b: Field) -> Bool {
            (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
        }
    }

    /// Which layout the text had.
    public enum Layout: String, Sendable, Hashable {
        /// Seven fields or more, dates `ddMMyyyy` (also accepted: `dd/MM/yyyy`).
        case sevenFields
        /// Six fields, no old-ID field, dates `dd/MM/yyyy` (also accepted: `ddMMyyyy`).
        case sixFields
        /// Any other text whose first field is the ID: only the ID is taken.
        case idOnly
    }

    public let idNumber: String
    /// The old 9-digit CMND number; `nil` when the field is empty, absent or not digits.
    public let oldIdNumber: String?
    public let fullName: String?
    /// `YYYY-MM-DD`.
    public let dateOfBirth: String?
    public let sex: Sex?
    public let placeOfResidence: String?
    /// `YYYY-MM-DD`.
    public let dateOfIssue: String?
    /// Fields beyond the seventh (seven-field layout), or every field after the ID (`idOnly`), as scanned.
    public let extraFields: [String]
    public let layout: Layout
    /// The fields whose values were recognised, in `Field.allCases` order. An empty old-ID
    /// field of the seven-field layout is recognised (the card has none).
    public let recognisedFields: [Field]

    public init(_ text: String) throws(CCCDError) {
        let cleaned = Self.clean(text)
        if HealthInsuranceQR.matches(cleaned) { throw .healthInsuranceCard }
        let f = cleaned.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard let first = f.first, CCCDKeys.isIDNumber(first) else {
            throw f.count > 1 ? .qrNotIDCard : .invalidIDNumber
        }
        idNumber = first
        var recognised: [Field] = [.idNumber]
        func take<T>(_ value: T?, _ field: Field) -> T? {
            if value != nil { recognised.append(field) }
            return value
        }
        switch f.count {
        case 7...:
            layout = .sevenFields
            if f[1].isEmpty {
                oldIdNumber = nil
                recognised.append(.oldIdNumber)
            } else {
                oldIdNumber = take(Self.oldID(f[1]), .oldIdNumber)
            }
            fullName = take(Self.name(f[2]), .fullName)
            dateOfBirth = take(VietnameseText.isoDate(f[3]), .dateOfBirth)
            sex = take(Sex(vietnamese: f[4]), .sex)
            placeOfResidence = take(Self.place(f[5]), .placeOfResidence)
            dateOfIssue = take(VietnameseText.isoDate(f[6]), .dateOfIssue)
            extraFields = Array(f.dropFirst(7))
        case 6:
            layout = .sixFields
            oldIdNumber = nil
            fullName = take(Self.name(f[1]), .fullName)
            dateOfBirth = take(VietnameseText.isoDate(f[2]), .dateOfBirth)
            sex = take(Sex(vietnamese: f[3]), .sex)
            placeOfResidence = take(Self.place(f[4]), .placeOfResidence)
            dateOfIssue = take(VietnameseText.isoDate(f[5]), .dateOfIssue)
            extraFields = []
        default:
            layout = .idOnly
            oldIdNumber = nil
            fullName = nil
            dateOfBirth = nil
            sex = nil
            placeOfResidence = nil
            dateOfIssue = nil
            extraFields = Array(f.dropFirst())
        }
        recognisedFields = recognised.sorted()
    }

    /// The PACE password: the last 6 digits of the ID.
    public var accessKey: AccessKey { .can(String(idNumber.suffix(6))) }

    /// Whether `field` was recognised in the scanned text.
    public func recognised(_ field: Field) -> Bool { recognisedFields.contains(field) }

    /// Characters scanners add that are not part of the code: BOM, zero-width characters,
    /// CR and LF anywhere (a QR field never holds a line break), then surrounding whitespace.
    static let noise: Set<Unicode.Scalar> = [
        "\u{FEFF}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{00AD}", "\r", "\n",
    ]

    static func clean(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { !noise.contains($0) })
        return String(scalars).trimmingWhitespace()
    }

    /// An old CMND number: 9 digits (12 when a CCCD replaced another CCCD).
    static func oldID(_ text: String) -> String? {
        (text.count == 9 || text.count == 12) && text.allSatisfy(\.isASCIIDigit) ? text : nil
    }

    /// A person's name: letters, spaces and the odd apostrophe or hyphen; no digits.
    static func name(_ text: String) -> String? {
        let nfc = text.precomposedStringWithCanonicalMapping
        guard nfc.contains(where: \.isLetter),
            nfc.allSatisfy({ $0.isLetter || $0 == " " || $0 == "'" || $0 == "-" || $0 == "." })
        else { return nil }
        return nfc
    }

    /// A place: any text with a letter that is not a date.
    static func place(_ text: String) -> String? {
        guard text.contains(where: \.isLetter), VietnameseText.isoDate(text) == nil else { return nil }
        return text.precomposedStringWithCanonicalMapping
    }
}

/// The QR on a Vietnamese health-insurance (BHYT) card: `|`-separated, the card code first
/// (2 letters + 13 digits, or the 10-digit social-insurance number), the name and address as
/// hex-encoded UTF-8, dates `dd/MM/yyyy`, the last field `$`. Staff scan it by mistake when
/// the patient hands over both cards; it cannot open an ID card's chip.
enum HealthInsuranceQR {
    static func matches(_ text: String) -> Bool {
        let f = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        guard f.count >= 3, let first = f.first else { return false }
        let endsWithDollar = f.last == "$" || text.hasSuffix("$")
        let hexName = isHexText(f[1])
        if isCardCode(first) { return endsWithDollar || hexName }
        return endsWithDollar && hexName
    }

    /// `HS4010120878811`: object code (2 letters), benefit level, province, BHXH number.
    static func isCardCode(_ s: String) -> Bool {
        let c = Array(s)
        guard c.count == 15 else { return false }
        return c[0..<2].allSatisfy { $0.isASCII && $0.isLetter } && c[2...].allSatisfy(\.isASCIIDigit)
    }

    /// Even-length hex that decodes to UTF-8 text with a letter (a name or an address).
    static func isHexText(_ s: String) -> Bool {
        guard s.count >= 4, s.count % 2 == 0, s.allSatisfy(\.isHexDigit) else { return false }
        var bytes: [UInt8] = []
        var high: UInt8?
        for ch in s {
            guard let v = ch.hexDigitValue else { return false }
            if let h = high {
                bytes.append(h << 4 | UInt8(v))
                high = nil
            } else {
                high = UInt8(v)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { return false }
        return decoded.contains(where: \.isLetter) && !decoded.allSatisfy(\.isHexDigit)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
