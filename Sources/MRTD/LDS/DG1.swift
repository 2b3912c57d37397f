import SmartCard

/// DG1: the MRZ as stored on the chip (ICAO 9303-10 §4.7.1): `61` { `5F1F` MRZ text,
/// lines run together }.
public struct DG1: Sendable, Hashable {
    public let mrz: MRZ
    /// The file as read.
    public let raw: [UInt8]

    public enum ParseError: Error, Sendable, Equatable {
        case lds(LDSError)
        case mrz(MRZError)
    }

    public init(_ bytes: some Collection<UInt8>) throws(ParseError) {
        let text: [UInt8]
        do throws(LDSError) {
            let tlv = try LDSError.decodeFile(bytes, tag: 0x61)
            guard let m = try LDSError.wrap({ () throws(TLVError) -> TLV? in try tlv.child(0x5F1F) }) else {
                throw LDSError.missing("MRZ (5F1F)")
            }
            text = m.value
        } catch {
            throw .lds(error)
        }
        guard text.allSatisfy({ $0 < 0x80 }) else { throw .lds(.malformed("MRZ text")) }
        do throws(MRZError) {
            mrz = try MRZ(text: String(decoding: text, as: UTF8.self))
        } catch {
            throw .mrz(error)
        }
        raw = Array(bytes)
    }

    /// Builds DG1 from MRZ lines (used by the card simulator); the lines are written as
    /// given, run together, without validation.
    public static func encode(mrzLines: [String]) -> [UInt8] {
        TLV(tag: 0x61, children: [TLV(tag: 0x5F1F, value: Array(mrzLines.joined().utf8))]).encoded
    }
}
