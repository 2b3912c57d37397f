import AdminUnits
import Foundation
import MRTD

/// The citizen record handed to the HIS: `cancuoc read --json` and the `result` of
/// `card.read` (docs/design.md §9.1, the contract). Keys are exact; absent values are explicit
/// `null` (never omitted, never `""`); `face.data` appears only when asked for and
/// `person.extra` only when the card carried unknown DG13 fields.
public struct CitizenRecord: Codable, Sendable, Hashable {
    public var document: Document
    public var person: Person
    public var access: Access
    /// `null` when no face was read; `faceStatus` says why.
    @ExplicitNull public var face: Face?
    public var faceStatus: FaceStatus
    public var verification: Verification
    public var stats: Stats

    public init(
        document: Document,
        person: Person,
        access: Access,
        face: Face?,
        faceStatus: FaceStatus? = nil,
        verification: Verification = .notPerformed,
        stats: Stats
    ) {
        self.document = document
        self.person = person
        self.access = access
        self.face = face
        self.faceStatus = faceStatus ?? (face == nil ? .absent : .read)
        self.verification = verification
        self.stats = stats
    }

    /// Whether the face was read, and if not, why (docs/api.md "The record").
    public enum FaceStatus: String, Codable, Sendable, Hashable, CaseIterable {
        /// `face` holds the portrait's description (and `data` when asked for).
        case read
        /// The caller asked not to read it (`skipFace`): the verdict covers the files read.
        case skipped
        /// Not read yet: the identity came first (`read.identity`); the face follows in the result.
        case pending
        /// The chip has no portrait (DG2 neither listed nor present).
        case absent
    }

    public struct Document: Codable, Sendable, Hashable {
        /// "CCCD".
        public var type: String
        @ExplicitNull public var documentNumber: String?
        /// The MRZ lines as on the card.
        public var mrz: [String]

        public init(type: String = "CCCD", documentNumber: String?, mrz: [String]) {
            self.type = type
            self.documentNumber = documentNumber
            self.mrz = mrz
        }

    }

    /// Dates `YYYY-MM-DD`; `dateOfExpiry` is `null` for a card that never expires.
    public struct Person: Codable, Sendable, Hashable {
        @ExplicitNull public var idNumber: String?
        @ExplicitNull public var fullName: String?
        @ExplicitNull public var dateOfBirth: String?
        @ExplicitNull public var sex: Sex?
        @ExplicitNull public var nationality: String?
        @ExplicitNull public var ethnicity: String?
        @ExplicitNull public var religion: String?
        @ExplicitNull public var placeOfOrigin: String?
        @ExplicitNull public var placeOfResidence: String?
        @ExplicitNull public var identifyingMarks: String?
        @ExplicitNull public var dateOfIssue: String?
        @ExplicitNull public var dateOfExpiry: String?
        @ExplicitNull public var fatherName: String?
        @ExplicitNull public var motherName: String?
        @ExplicitNull public var spouseName: String?
        @ExplicitNull public var oldIdNumber: String?
        /// Unknown DG13 fields keyed by field number ("16"); omitted when empty.
        public var extra: [String: String]?
        /// The place of origin and of residence resolved to administrative units and their
        /// codes (docs/address.md); `null` when the field is absent.
        @ExplicitNull public var placeOfOriginAddress: ResolvedAddress? = nil
        @ExplicitNull public var placeOfResidenceAddress: ResolvedAddress? = nil

        public init(
            idNumber: String? = nil,
            fullName: String? = nil,
            dateOfBirth: String? = nil,
            sex: Sex? = nil,
            nationality: String? = nil,
            ethnicity: String? = nil,
            religion: String? = nil,
            placeOfOrigin: String? = nil,
            placeOfResidence: String? = nil,
            identifyingMarks: String? = nil,
            dateOfIssue: String? = nil,
            dateOfExpiry: String? = nil,
            fatherName: String? = nil,
            motherName: String? = nil,
            spouseName: String? = nil,
            oldIdNumber: String? = nil,
            extra: [String: String]? = nil
        ) {
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

    }

    /// How the chip was opened: `method` "PACE" / "BAC", `reason` why that one.
    public struct Access: Codable, Sendable, Hashable {
        public var method: AccessMethod
        @ExplicitNull public var reason: String?

        public init(method: AccessMethod, reason: String?) {
            self.method = method
            self.reason = reason
        }

    }

    /// The DG2 portrait; `data` (base64) only when the caller asked for the image.
    public struct Face: Codable, Sendable, Hashable {
        @ExplicitNull public var mimeType: String?
        @ExplicitNull public var width: Int?
        @ExplicitNull public var height: Int?
        public var data: String?

        public init(mimeType: String?, width: Int?, height: Int?, data: String? = nil) {
            self.mimeType = mimeType
            self.width = width
            self.height = height
            self.data = data
        }

    }

    /// Read statistics: totals and one entry per file read.
    public struct Stats: Codable, Sendable, Hashable {
        public var apdus: Int
        public var bytesSent: Int
        public var bytesReceived: Int
        public var durationMs: Int
        public var files: [FileStats]

        public init(
            apdus: Int = 0,
            bytesSent: Int = 0,
            bytesReceived: Int = 0,
            durationMs: Int = 0,
            files: [FileStats] = []
        ) {
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
