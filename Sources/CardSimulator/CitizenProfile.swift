import CCCD
import Foundation
import MRTD

/// A fictional citizen the simulated chip carries: the printed MRZ, the DG13 values as the
/// card stores them (dates "dd/mm/yyyy", "Không thời hạn"), and a face image file.
/// Profiles live in `Profiles/` (bundled) or anywhere on disk for integrators' own cards;
/// `scripts/make_profiles.py` generates the bundled ones.
public struct CitizenProfile: Codable, Sendable, Hashable {
    /// How DG13 field 13 nests the parents' names (both occur on cards, docs/design.md §4).
    public enum ParentsNesting: String, Codable, Sendable, Hashable {
        /// `30 { 02 01 0D, 30 { 0C father }, 30 { 0C mother } }`
        case nested
        /// `30 { 02 01 0D, 0C father, 0C mother }`
        case flat
    }

    /// DG13 field values as the chip stores them.
    public struct PersonalData: Codable, Sendable, Hashable {
        public var idNumber: String
        public var nationality: String
        public var fullName: String
        public var dateOfBirth: String
        /// "Nam" or "Nữ".
        public var sex: String
        public var ethnicity: String
        public var religion: String
        public var placeOfOrigin: String
        public var placeOfResidence: String
        public var identifyingMarks: String
        public var dateOfIssue: String
        /// "dd/mm/yyyy" or "Không thời hạn".
        public var dateOfExpiry: String
        public var fatherName: String
        public var motherName: String
        public var parentsNesting: ParentsNesting
        public var spouseName: String?
        public var oldIdNumber: String?
        /// The 16-character field of unknown meaning, when the card has one.
        public var field16: String?
    }

    public var name: String
    public var note: String?
    /// The three TD1 lines printed on the back.
    public var mrz: [String]
    public var dg13: PersonalData
    /// File name relative to the profile's directory.
    public var faceImage: String
    public var faceWidth: Int
    public var faceHeight: Int
    /// The directory the profile was loaded from (resolves `faceImage`); not encoded.
    public var directory: URL?

    enum CodingKeys: String, CodingKey {
        case name, note, mrz, dg13, faceImage, faceWidth, faceHeight
    }

    public enum LoadError: Error, Sendable, Equatable {
        case notFound(String)
        case unreadable(String)
    }

    /// The bundled profiles' names, sorted.
    public static var bundledNames: [String] {
        guard let dir = Bundle.module.url(forResource: "Profiles", withExtension: nil),
            let items = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return [] }
        return items.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Loads a bundled profile (`tran-minh-khoa`, …).
    public static func load(named name: String) throws(LoadError) -> CitizenProfile {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Profiles") else {
            throw .notFound(name)
        }
        return try load(contentsOf: url)
    }

    /// Loads a profile file from disk; the face image is looked up beside it.
    public static func load(contentsOf url: URL) throws(LoadError) -> CitizenProfile {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .notFound(url.path) }
        do {
            var profile = try JSONDecoder().decode(CitizenProfile.self, from: data)
            profile.directory = url.deletingLastPathComponent()
            return profile
        } catch {
            throw .unreadable("\(url.lastPathComponent): \(error)")
        }
    }

    /// The face JPEG bytes.
    public func faceJPEG() throws(LoadError) -> [UInt8] {
        let base = directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let url = base.appendingPathComponent(faceImage)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .notFound(url.path) }
        return [UInt8](data)
    }

    /// The data groups the CCCD lists in EF.COM (docs/design.md §4).
    public static let dataGroups: [DataGroupID] = [.dg1, .dg2, .dg3, .dg13, .dg14, .dg15]

    /// EF.COM listing DG1, DG2, DG3, DG13, DG14, DG15.
    public func efCOM() -> [UInt8] { EFCOM.encode(dataGroups: CitizenProfile.dataGroups) }

    /// DG1 with the profile's MRZ.
    public func dg1() -> [UInt8] { DG1.encode(mrzLines: mrz) }

    /// DG2 with the profile's face.
    public func dg2() throws(LoadError) -> [UInt8] {
        DG2.encode(jpeg: try faceJPEG(), width: faceWidth, height: faceHeight)
    }

    /// DG13 fields in card order.
    public func dg13Entries() -> [DG13.Entry] {
        let d = dg13
        var e: [DG13.Entry] = [
            .init(1, .printable(d.idNumber)), .init(2, .utf8(d.fullName)), .init(3, .utf8(d.dateOfBirth)),
            .init(4, .utf8(d.sex)), .init(5, .utf8(d.nationality)), .init(6, .utf8(d.ethnicity)),
            .init(7, .utf8(d.religion)), .init(8, .utf8(d.placeOfOrigin)), .init(9, .utf8(d.placeOfResidence)),
            .init(10, .utf8(d.identifyingMarks)), .init(11, .utf8(d.dateOfIssue)), .init(12, .utf8(d.dateOfExpiry)),
            .init(
                13,
                d.parentsNesting == .nested
                    ? .parentsNested(father: d.fatherName, mother: d.motherName)
                    : .parentsFlat(father: d.fatherName, mother: d.motherName)
            ),
            .init(14, d.spouseName.map { .utf8($0) } ?? .empty),
        ]
        if let old = d.oldIdNumber { e.append(.init(15, .printable(old))) }
        if let f16 = d.field16 { e.append(.init(16, .printable(f16))) }
        return e
    }

    /// DG13 in the card's layout.
    public func dg13File() -> [UInt8] { DG13.encode(dg13Entries()) }

    /// EF.COM, DG1, DG2 and DG13 by identifier (DG3, DG14, DG15 and the SOD come from
    /// the simulator's security setup, not from the profile).
    public func files() throws(LoadError) -> [DataGroupID: [UInt8]] {
        [.com: efCOM(), .dg1: dg1(), .dg2: try dg2(), .dg13: dg13File()]
    }
}
