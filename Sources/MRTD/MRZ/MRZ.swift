/// A machine readable zone, parsed once and with every check digit verified.
///
/// TD1 (ID cards, 3 × 30, ICAO 9303-5 §4.2) and TD3 (passports, 2 × 44, ICAO 9303-4 §4.2).
/// The CCCD carries a TD1 MRZ whose document number is the last 9 digits of the ID and
/// whose optional data 1 holds the 12-digit ID (docs/design.md §4). Dates stay `YYMMDD` as
/// printed: the MRZ has no century, so callers that know one (CCCD: the ID's 4th digit) add it.
public struct MRZ: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable {
        case td1, td3
    }

    /// Sex as printed (ICAO 9303-3 §4.6): `M`, `F` or `<` (unspecified; `X` is read as unspecified).
    public enum Sex: String, Sendable, Hashable {
        case male = "M"
        case female = "F"
        case unspecified = "<"
    }

    /// The fields that carry check digits or syntax; named in `MRZError`.
    public enum Field: String, Sendable, Hashable {
        case documentCode, issuingState, documentNumber, dateOfBirth, sex, dateOfExpiry,
            nationality, optionalData, composite
    }

    public let format: Format
    /// The normalised lines (uppercase, trimmed), as on the document.
    public let lines: [String]
    /// `ID`, `I<`, `P<`… with filler removed (`I`, `P`).
    public let documentCode: String
    public let issuingState: String
    /// Without filler; a TD1 long document number is joined with its continuation.
    public let documentNumber: String
    /// TD1 optional data 1 / TD3 personal number, filler kept (positions carry meaning).
    public let optionalData1: String
    /// TD1 optional data 2 (line 2); empty for TD3.
    public let optionalData2: String
    /// `YYMMDD`.
    public let dateOfBirth: String
    public let sex: Sex
    /// `YYMMDD`.
    public let dateOfExpiry: String
    public let nationality: String
    /// Surname(s): the name part before `<<`, with `<` read as a space.
    public let primaryIdentifier: String
    /// Given name(s): after `<<`, with `<` read as a space.
    public let secondaryIdentifier: String

    /// Parses MRZ lines; surrounding whitespace and lowercase are tolerated.
    public init(lines input: [String]) throws(MRZError) {
        let lines = input.map { MRZ.normalise($0) }.filter { !$0.isEmpty }
        let lengths = lines.map(\.utf8.count)
        if lines.count == 3, lengths.allSatisfy({ $0 >= 28 && $0 <= 32 }) {
            try self.init(td1: lines)
        } else if lines.count == 2, lengths.allSatisfy({ $0 >= 40 && $0 <= 48 }) {
            try self.init(td3: lines)
        } else {
            throw .unsupportedFormat(lineCount: lines.count, lengths: lengths)
        }
    }

    /// Parses MRZ text as one string: lines separated by newlines, or the lines run
    /// together (90 characters for TD1, 88 for TD3, as DG1 stores them, ICAO 9303-10 §4.7.1).
    public init(text: String) throws(MRZError) {
        let parts = text.split(whereSeparator: { $0.isNewline })
            .map { MRZ.normalise(String($0)) }.filter { !$0.isEmpty }
        if parts.count == 1 {
            let chars = Array(parts[0].utf8)
            switch chars.count {
            case 90: try self.init(lines: MRZ.chunk(chars, 30))
            case 88: try self.init(lines: MRZ.chunk(chars, 44))
            default: throw .unsupportedFormat(lineCount: 1, lengths: [chars.count])
            }
        } else {
            try self.init(lines: parts)
        }
    }

    /// The BAC / PACE-MRZ password (ICAO 9303-11 §9.7.2).
    public var accessKey: AccessKey {
        .mrz(documentNumber: documentNumber, dateOfBirth: dateOfBirth, dateOfExpiry: dateOfExpiry)
    }

    /// The lines run together, as DG1's `5F1F` holds them.
    public var concatenated: String { lines.joined() }

    // MARK: - Formats

    private init(td1 lines: [String]) throws(MRZError) {
        let l = try MRZ.validate(lines, length: 30)
        format = .td1
        self.lines = lines
        documentCode = MRZ.text(l[0], 0..<2)
        issuingState = MRZ.text(l[0], 2..<5)
        let docField = l[0][5..<14]
        let opt1 = l[0][15..<30]
        if l[0][14] == UInt8(ascii: "<") {
            // ICAO 9303-5 §4.2.2 note j: the number continues in optional data 1 and
            // ends with its check digit, followed by a filler.
            guard let end = opt1.firstIndex(of: UInt8(ascii: "<")), end > opt1.startIndex else {
                throw .badCheckDigit(.documentNumber)
            }
            let rest = opt1[opt1.startIndex..<(end - 1)]
            let full = Array(docField) + Array(rest)
            guard CheckDigit.compute(String(decoding: full, as: UTF8.self)) == Character(UnicodeScalar(opt1[end - 1]))
            else {
                throw .badCheckDigit(.documentNumber)
            }
            documentNumber = MRZ.text(full[...])
            optionalData1 = String(decoding: opt1[(end + 1)...], as: UTF8.self)
        } else {
            try MRZ.check(docField, l[0][14], .documentNumber)
            documentNumber = MRZ.text(docField)
            optionalData1 = String(decoding: opt1, as: UTF8.self)
        }
        let l2 = l[1]
        dateOfBirth = try MRZ.date(l2[0..<6], .dateOfBirth)
        try MRZ.check(l2[0..<6], l2[6], .dateOfBirth)
        sex = try MRZ.sex(l2[7])
        dateOfExpiry = try MRZ.date(l2[8..<14], .dateOfExpiry)
        try MRZ.check(l2[8..<14], l2[14], .dateOfExpiry)
        nationality = MRZ.text(l2[15..<18])
        optionalData2 = String(decoding: l2[18..<29], as: UTF8.self)
        let composite = Array(l[0][5..<30]) + Array(l2[0..<7]) + Array(l2[8..<15]) + Array(l2[18..<29])
        try MRZ.check(composite[...], l2[29], .composite)
        (primaryIdentifier, secondaryIdentifier) = MRZ.names(l[2][...])
    }

    private init(td3 lines: [String]) throws(MRZError) {
        let l = try MRZ.validate(lines, length: 44)
        format = .td3
        self.lines = lines
        documentCode = MRZ.text(l[0], 0..<2)
        issuingState = MRZ.text(l[0], 2..<5)
        (primaryIdentifier, secondaryIdentifier) = MRZ.names(l[0][5..<44])
        let l2 = l[1]
        try MRZ.check(l2[0..<9], l2[9], .documentNumber)
        documentNumber = MRZ.text(l2[0..<9])
        nationality = MRZ.text(l2[10..<13])
        dateOfBirth = try MRZ.date(l2[13..<19], .dateOfBirth)
        try MRZ.check(l2[13..<19], l2[19], .dateOfBirth)
        sex = try MRZ.sex(l2[20])
        dateOfExpiry = try MRZ.date(l2[21..<27], .dateOfExpiry)
        try MRZ.check(l2[21..<27], l2[27], .dateOfExpiry)
        let personal = l2[28..<42]
        // ICAO 9303-4 §4.2.2: an all-filler personal number may carry `<` as its check digit.
        if !(personal.allSatisfy { $0 == UInt8(ascii: "<") } && l2[42] == UInt8(ascii: "<")) {
            try MRZ.check(personal, l2[42], .optionalData)
        }
        optionalData1 = String(decoding: personal, as: UTF8.self)
        optionalData2 = ""
        let composite = Array(l2[0..<10]) + Array(l2[13..<20]) + Array(l2[21..<43])
        try MRZ.check(composite[...], l2[43], .composite)
    }
}
