import Foundation

/// The citizen record handed to the HIS: `cancuoc read --json` and the `result` of
/// `card.read` (docs/design.md §9.1, the contract). Keys are exact; absent values are explicit
/// `null` (never omitted, never `""`); `face.data` appears only when asked for and
/// `person.extra` only when the card carried unknown DG13 fields.
public struct CitizenRecord: Codable, Sendable, Hashable {
    public var document: Document
    public var person: Person
    public var access: Access
    /// `null` when no face was read.
    public var face: Face?
    public var verification: Verification
    public var stats: Stats

    public init(document: Document, person: Person, access: Access, face: Face?,
                verification: Verification = .notPerformed, stats: Stats) {
        self.document = document
        self.person = person
        self.access = access
        self.face = face
        self.verification = verification
        self.stats = stats
    }

    public struct Document: Codable, Sendable, Hashable {
        /// "CCCD".
        public var type: String
        public var documentNumber: String?
        /// The MRZ lines as on the card.
        public var mrz: [String]

        public init(type: String = "CCCD", documentNumber: String?, mrz: [String]) {
            self.type = type
            self.documentNumber = documentNumber
            self.mrz = mrz
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encodeOrNull(documentNumber, forKey: .documentNumber)
            try c.encode(mrz, forKey: .mrz)
        }
    }

    /// Dates `YYYY-MM-DD`; `dateOfExpiry` is `null` for a card that never expires.
    public struct Person: Codable, Sendable, Hashable {
        public var idNumber: String?
        public var fullName: String?
        public var dateOfBirth: String?
        public var sex: Sex?
        public var nationality: String?
        public var ethnicity: String?
        public var religion: String?
        public var placeOfOrigin: String?
        public var placeOfResidence: String?
        public var identifyingMarks: String?
        public var dateOfIssue: String?
        public var dateOfExpiry: String?
        public var fatherName: String?
        public var motherName: String?
        public var spouseName: String?
        public var oldIdNumber: String?
        /// Unknown DG13 fields keyed by field number ("16"); omitted when empty.
        public var extra: [String: String]?

        public init(idNumber: String? = nil, fullName: String? = nil, dateOfBirth: String? = nil, sex: Sex? = nil,
                    nationality: String? = nil, ethnicity: String? = nil, religion: String? = nil,
                    placeOfOrigin: String? = nil, placeOfResidence: String? = nil, identifyingMarks: String? = nil,
                    dateOfIssue: String? = nil, dateOfExpiry: String? = nil, fatherName: String? = nil,
                    motherName: String? = nil, spouseName: String? = nil, oldIdNumber: String? = nil,
                    extra: [String: String]? = nil) {
            self.idNumber = idNumber
            self.fullName = fullName
            self.dateOfBirth = dateOfBirth
            self.sex = sex
            self.nationality = nationality
            self.ethnicity = ethnicity
            self.religion = religion
            self.placeOfOrigin = placeOfOrigin
            self.placeOfResidence = placeOfResidence
            self.identifyingMarks = identifyingMarks
            self.dateOfIssue = dateOfIssue
            self.dateOfExpiry = dateOfExpiry
            self.fatherName = fatherName
            self.motherName = motherName
            self.spouseName = spouseName
            self.oldIdNumber = oldIdNumber
            self.extra = extra
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeOrNull(idNumber, forKey: .idNumber)
            try c.encodeOrNull(fullName, forKey: .fullName)
            try c.encodeOrNull(dateOfBirth, forKey: .dateOfBirth)
            try c.encodeOrNull(sex, forKey: .sex)
            try c.encodeOrNull(nationality, forKey: .nationality)
            try c.encodeOrNull(ethnicity, forKey: .ethnicity)
            try c.encodeOrNull(religion, forKey: .religion)
            try c.encodeOrNull(placeOfOrigin, forKey: .placeOfOrigin)
            try c.encodeOrNull(placeOfResidence, forKey: .placeOfResidence)
            try c.encodeOrNull(identifyingMarks, forKey: .identifyingMarks)
            try c.encodeOrNull(dateOfIssue, forKey: .dateOfIssue)
            try c.encodeOrNull(dateOfExpiry, forKey: .dateOfExpiry)
            try c.encodeOrNull(fatherName, forKey: .fatherName)
            try c.encodeOrNull(motherName, forKey: .motherName)
            try c.encodeOrNull(spouseName, forKey: .spouseName)
            try c.encodeOrNull(oldIdNumber, forKey: .oldIdNumber)
            if let extra, !extra.isEmpty { try c.encode(extra, forKey: .extra) }
        }
    }

    /// How the chip was opened: `method` "PACE" / "BAC", `reason` why that one.
    public struct Access: Codable, Sendable, Hashable {
        public var method: String
        public var reason: String?

        public init(method: String, reason: String?) {
            self.method = method
            self.reason = reason
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(method, forKey: .method)
            try c.encodeOrNull(reason, forKey: .reason)
        }
    }

    /// The DG2 portrait; `data` (base64) only when the caller asked for the image.
    public struct Face: Codable, Sendable, Hashable {
        public var mimeType: String?
        public var width: Int?
        public var height: Int?
        public var data: String?

        public init(mimeType: String?, width: Int?, height: Int?, data: String? = nil) {
            self.mimeType = mimeType
            self.width = width
            self.height = height
            self.data = data
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeOrNull(mimeType, forKey: .mimeType)
            try c.encodeOrNull(width, forKey: .width)
            try c.encodeOrNull(height, forKey: .height)
            try c.encodeIfPresent(data, forKey: .data)
        }
    }

    /// Read statistics: totals and one entry per file read.
    public struct Stats: Codable, Sendable, Hashable {
        public var apdus: Int
        public var bytesSent: Int
        public var bytesReceived: Int
        public var durationMs: Int
        public var files: [FileStats]

        public init(apdus: Int = 0, bytesSent: Int = 0, bytesReceived: Int = 0, durationMs: Int = 0, files: [FileStats] = []) {
            self.apdus = apdus
            self.bytesSent = bytesSent
            self.bytesReceived = bytesReceived
            self.durationMs = durationMs
            self.files = files
        }
    }

    public struct FileStats: Codable, Sendable, Hashable {
        /// "COM", "DG1", "DG2", "DG13", "SOD" …
        public var name: String
        public var bytes: Int
        public var apdus: Int
        public var durationMs: Int

        public init(name: String, bytes: Int, apdus: Int, durationMs: Int) {
            self.name = name
            self.bytes = bytes
            self.apdus = apdus
            self.durationMs = durationMs
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(document, forKey: .document)
        try c.encode(person, forKey: .person)
        try c.encode(access, forKey: .access)
        try c.encodeOrNull(face, forKey: .face)
        try c.encode(verification, forKey: .verification)
        try c.encode(stats, forKey: .stats)
    }

    /// The record as JSON text: UTF-8 with Vietnamese unescaped, slashes unescaped.
    /// Keys are sorted by default: Foundation's encoder on Linux otherwise emits them in
    /// hash order, which differs run to run; pass `sortedKeys: false` only if that is fine.
    public func json(pretty: Bool = false, sortedKeys: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        var format: JSONEncoder.OutputFormatting = [.withoutEscapingSlashes]
        if pretty { format.insert(.prettyPrinted) }
        if sortedKeys { format.insert(.sortedKeys) }
        encoder.outputFormatting = format
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

extension KeyedEncodingContainer {
    /// The contract's rule: an absent value is written as `null`, not left out.
    mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
