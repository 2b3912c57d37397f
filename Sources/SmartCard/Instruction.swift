/// The instruction bytes this code sends or serves (ISO/IEC 7816-4 §5.4, ICAO 9303-11): one
/// name each, for the terminal and for the simulated chip.
public enum Instruction: UInt8, Sendable, Hashable, CaseIterable {
    /// MANAGE SECURITY ENVIRONMENT (MSE:Set AT / KAT for PACE and chip authentication).
    case manageSecurityEnvironment = 0x22
    /// EXTERNAL AUTHENTICATE (BAC).
    case externalAuthenticate = 0x82
    /// GET CHALLENGE (BAC).
    case getChallenge = 0x84
    /// GENERAL AUTHENTICATE (PACE, chip authentication).
    case generalAuthenticate = 0x86
    /// INTERNAL AUTHENTICATE (active authentication).
    case internalAuthenticate = 0x88
    case select = 0xA4
    case readBinary = 0xB0
    /// READ BINARY with the offset in the data field (odd INS, offsets past 32767).
    case readBinaryOdd = 0xB1
    case getResponse = 0xC0
}

extension CommandAPDU {
    public init(
        cla: UInt8 = 0x00,
        _ instruction: Instruction,
        p1: UInt8 = 0,
        p2: UInt8 = 0,
        data: [UInt8] = [],
        ne: Int? = nil
    ) {
        self.init(cla: cla, ins: instruction.rawValue, p1: p1, p2: p2, data: data, ne: ne)
    }

    /// The instruction, when it is one this code knows.
    public var instruction: Instruction? { Instruction(rawValue: ins) }

    /// SELECT by application identifier, no answer data (P1 04, P2 0C).
    public static func selectApplication(_ aid: [UInt8]) -> CommandAPDU {
        CommandAPDU(.select, p1: 0x04, p2: 0x0C, data: aid)
    }

    /// SELECT an elementary file by its identifier, no answer data (P1 02, P2 0C).
    public static func selectFile(_ fileID: UInt16) -> CommandAPDU {
        CommandAPDU(.select, p1: 0x02, p2: 0x0C, data: [UInt8(fileID >> 8), UInt8(fileID & 0xFF)])
    }

    /// READ BINARY of the file with short file identifier `sfi` (selecting it), from `offset`
    /// (0–255: P2 holds it).
    public static func readBinary(sfi: UInt8, offset: UInt8 = 0, ne: Int) -> CommandAPDU {
        CommandAPDU(.readBinary, p1: 0x80 | (sfi & 0x1F), p2: offset, ne: ne)
    }

    /// READ BINARY of the current file from `offset` (0–32767: P1-P2 hold it).
    public static func readBinary(offset: Int, ne: Int) -> CommandAPDU {
        CommandAPDU(.readBinary, p1: UInt8((offset >> 8) & 0x7F), p2: UInt8(offset & 0xFF), ne: ne)
    }

    /// GET RESPONSE for `ne` bytes, on the logical channel of `cla`.
    public static func getResponse(ne: Int, cla: UInt8 = 0x00) -> CommandAPDU {
        CommandAPDU(cla: cla & 0x03, .getResponse, ne: ne)
    }
}
