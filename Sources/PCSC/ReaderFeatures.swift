/// The feature list from `CM_IOCTL_GET_FEATURE_REQUEST`: tag → control code.
public struct ReaderFeatures: Sendable, Hashable {
    /// PC/SC part 10 feature tags we may use.
    public enum Tag {
        public static let verifyPINDirect: UInt8 = 0x06
        public static let modifyPINDirect: UInt8 = 0x07
        public static let ifdPINProperties: UInt8 = 0x0A
        public static let getTLVProperties: UInt8 = 0x12
        public static let ccidEscCommand: UInt8 = 0x13
    }

    public var controlCodes: [UInt8: UInt32]

    public init(controlCodes: [UInt8: UInt32] = [:]) { self.controlCodes = controlCodes }

    /// Parses 6-byte records: tag, length 4, big-endian control code (PC/SC part 10 §2.2).
    public init<C: Collection<UInt8>>(parsing bytes: C) throws(ReaderPropertyError) {
        let b = Array(bytes)
        var codes: [UInt8: UInt32] = [:]
        var i = 0
        while i < b.count {
            guard b.count - i >= 2 else { throw .truncated(offset: i) }
            let tag = b[i]
            let length = Int(b[i + 1])
            guard length == 4 else { throw .badLength(tag: tag, length: length) }
            guard b.count - i >= 6 else { throw .truncated(offset: i) }
            codes[tag] = UInt32(b[i + 2]) << 24 | UInt32(b[i + 3]) << 16 | UInt32(b[i + 4]) << 8 | UInt32(b[i + 5])
            i += 6
        }
        controlCodes = codes
    }

    public subscript(tag: UInt8) -> UInt32? { controlCodes[tag] }
}
