import SmartCard

/// The elementary files of the LDS1 application and EF.CardAccess, with the three ways
/// a reader names them: file identifier (SELECT), short EF identifier (READ BINARY with
/// SFI) and the tag their content starts with (ICAO 9303-10 §4.6, Table 38–40).
public enum DataGroupID: String, CaseIterable, Sendable, Hashable, Codable {
    case com = "COM"
    case dg1 = "DG1"
    case dg2 = "DG2"
    case dg3 = "DG3"
    case dg4 = "DG4"
    case dg5 = "DG5"
    case dg6 = "DG6"
    case dg7 = "DG7"
    case dg8 = "DG8"
    case dg9 = "DG9"
    case dg10 = "DG10"
    case dg11 = "DG11"
    case dg12 = "DG12"
    case dg13 = "DG13"
    case dg14 = "DG14"
    case dg15 = "DG15"
    case dg16 = "DG16"
    case sod = "SOD"
    case cardAccess = "CardAccess"

    /// 1 … 16 for data groups, `nil` for COM, SOD and CardAccess.
    public var number: Int? {
        guard let i = DataGroupID.dataGroups.firstIndex(of: self) else { return nil }
        return i + 1
    }

    /// DG1 … DG16 in order.
    public static let dataGroups: [DataGroupID] = [
        .dg1, .dg2, .dg3, .dg4, .dg5, .dg6, .dg7, .dg8, .dg9, .dg10, .dg11, .dg12, .dg13, .dg14, .dg15, .dg16,
    ]

    /// `DG<n>` for 1 … 16.
    public init?(number: Int) {
        guard (1...16).contains(number) else { return nil }
        self = DataGroupID.dataGroups[number - 1]
    }

    /// File identifier for SELECT (P1 = 02): `01 01` … `01 10`, COM `01 1E`, SOD `01 1D`,
    /// CardAccess `01 1C` (in the MF).
    public var fileID: UInt16 {
        switch self {
        case .com: return 0x011E
        case .sod: return 0x011D
        case .cardAccess: return 0x011C
        default: return 0x0100 + UInt16(number ?? 0)
        }
    }

    /// Short EF identifier: the low 5 bits of the file identifier.
    public var shortFileID: UInt8 { UInt8(fileID & 0x1F) }

    private static let tags: [UInt8] = [
        0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70,
    ]

    /// The tag the file's content starts with; `nil` for CardAccess (a bare SET).
    public var tag: UInt8? {
        switch self {
        case .com: return 0x60
        case .sod: return 0x77
        case .cardAccess: return nil
        default: return number.map { DataGroupID.tags[$0 - 1] }
        }
    }

    /// The data group whose content starts with `tag` (the EF.COM tag list uses these).
    public init?(tag: UInt8) {
        if tag == 0x60 {
            self = .com
            return
        }
        if tag == 0x77 {
            self = .sod
            return
        }
        guard let i = DataGroupID.tags.firstIndex(of: tag) else { return nil }
        self = DataGroupID.dataGroups[i]
    }
}
