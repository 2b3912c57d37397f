import SmartCard

/// Why an LDS file could not be parsed. Parsers throw these and never trap, so a
/// hostile or damaged chip yields an error the reader can report (docs/design.md §9.2 code 5).
public enum LDSError: Error, Sendable, Equatable {
    /// The BER-TLV structure itself is malformed.
    case tlv(TLVError)
    /// The file does not start with the tag its data group uses.
    case unexpectedTag(expected: TLVTag, actual: TLVTag)
    /// A required element is missing.
    case missing(String)
    /// An element is present but malformed (wrong length, wrong magic, bad text).
    case malformed(String)
    /// The content names a format we do not read.
    case unsupported(String)
}

extension LDSError {
    /// Runs `body`, mapping TLV errors into `LDSError.tlv` (for data-group parsers in any module).
    public static func wrap<T>(_ body: () throws(TLVError) -> T) throws(LDSError) -> T {
        do { return try body() } catch { throw .tlv(error) }
    }

    /// Decodes one whole file and checks its outer tag.
    public static func decodeFile(_ bytes: some Collection<UInt8>, tag: TLVTag) throws(LDSError) -> TLV {
        let tlv = try wrap { () throws(TLVError) -> TLV in try TLV.decode(bytes) }
        guard tlv.tag == tag else { throw .unexpectedTag(expected: tag, actual: tlv.tag) }
        return tlv
    }
}
