import SmartCard

/// EF.COM: the LDS and Unicode versions and the list of data groups present
/// (ICAO 9303-10 §4.6.1). Tag `60` { `5F01` LDS version "aabb", `5F36` Unicode version
/// "aabbcc", `5C` tag list }.
public struct EFCOM: Sendable, Hashable {
    /// "0107" for LDS 1.7.
    public let ldsVersion: String
    /// "040000" for Unicode 4.0.0.
    public let unicodeVersion: String
    /// The tags of `5C` as listed, including any we do not know.
    public let tagList: [UInt8]
    /// The known data groups in `tagList`, in order.
    public var dataGroups: [DataGroupID] { tagList.compactMap { DataGroupID(tag: $0) } }
    /// The file as read.
    public let raw: [UInt8]

    public init(_ bytes: some Collection<UInt8>) throws(LDSError) {
        let tlv = try LDSError.decodeFile(bytes, tag: 0x60)
        let children = try LDSError.wrap { () throws(TLVError) -> [TLV] in try tlv.children() }
        func text(_ tag: TLVTag, _ name: String, _ length: Int) throws(LDSError) -> String {
            guard let c = children.first(where: { $0.tag == tag }) else { throw .missing(name) }
            guard c.value.count == length, c.value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .malformed(name)
            }
            return String(decoding: c.value, as: UTF8.self)
        }
        ldsVersion = try text(0x5F01, "LDS version", 4)
        unicodeVersion = try text(0x5F36, "Unicode version", 6)
        guard let list = children.first(where: { $0.tag == 0x5C }) else { throw .missing("tag list") }
        tagList = list.value
        raw = Array(bytes)
    }

    /// Builds EF.COM (used by the card simulator). Versions must be 4 and 6 digits.
    public static func encode(
        ldsVersion: String = "0107",
        unicodeVersion: String = "040000",
        dataGroups: [DataGroupID]
    ) -> [UInt8] {
        TLV(
            tag: 0x60,
            children: [
                TLV(tag: 0x5F01, value: Array(ldsVersion.utf8)),
                TLV(tag: 0x5F36, value: Array(unicodeVersion.utf8)),
                TLV(tag: 0x5C, value: dataGroups.compactMap(\.tag)),
            ]
        ).encoded
    }
}
