/// PC/SC part 10 answers, parsed at the edge. Both parsers check every length before
/// reading and throw on malformed input: reader firmware is external data.
public enum ReaderPropertyError: Error, Sendable, Equatable {
    case truncated(offset: Int)
    case badLength(tag: UInt8, length: Int)
}

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
            let tag = b[i], length = Int(b[i + 1])
            guard length == 4 else { throw .badLength(tag: tag, length: length) }
            guard b.count - i >= 6 else { throw .truncated(offset: i) }
            codes[tag] = UInt32(b[i + 2]) << 24 | UInt32(b[i + 3]) << 16 | UInt32(b[i + 4]) << 8 | UInt32(b[i + 5])
            i += 6
        }
        controlCodes = codes
    }

    public subscript(tag: UInt8) -> UInt32? { controlCodes[tag] }
}

/// `FEATURE_GET_TLV_PROPERTIES` (PC/SC part 10 §2.6.14): tag, length, little-endian value.
/// Every property is kept raw; the ones we use have typed accessors.
public struct TLVProperties: Sendable, Hashable {
    public enum Tag {
        public static let lcdLayout: UInt8 = 0x01
        public static let entryValidationCondition: UInt8 = 0x02
        public static let timeOut2: UInt8 = 0x03
        public static let lcdMaxCharacters: UInt8 = 0x04
        public static let lcdMaxLines: UInt8 = 0x05
        public static let minPINSize: UInt8 = 0x06
        public static let maxPINSize: UInt8 = 0x07
        public static let firmwareID: UInt8 = 0x08
        public static let ppduSupport: UInt8 = 0x09
        public static let maxAPDUDataSize: UInt8 = 0x0A
        public static let vendorID: UInt8 = 0x0B
        public static let productID: UInt8 = 0x0C
    }

    public var values: [UInt8: [UInt8]]

    public init(values: [UInt8: [UInt8]] = [:]) { self.values = values }

    public init<C: Collection<UInt8>>(parsing bytes: C) throws(ReaderPropertyError) {
        let b = Array(bytes)
        var values: [UInt8: [UInt8]] = [:]
        var i = 0
        while i < b.count {
            guard b.count - i >= 2 else { throw .truncated(offset: i) }
            let tag = b[i], length = Int(b[i + 1])
            guard b.count - i - 2 >= length else { throw .truncated(offset: i) }
            values[tag] = Array(b[(i + 2)..<(i + 2 + length)])
            i += 2 + length
        }
        self.values = values
    }

    /// A little-endian integer of 1 to 4 bytes; nil when absent or longer.
    public func integer(_ tag: UInt8) -> UInt32? {
        guard let v = values[tag], (1...4).contains(v.count) else { return nil }
        return v.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Largest APDU data field the reader carries; 0 means short APDUs only (design.md §5).
    public var maxAPDUDataSize: Int? { integer(Tag.maxAPDUDataSize).map(Int.init) }
    public var vendorID: UInt16? { integer(Tag.vendorID).flatMap { UInt16(exactly: $0) } }
    public var productID: UInt16? { integer(Tag.productID).flatMap { UInt16(exactly: $0) } }
    public var firmwareID: String? {
        guard let v = values[Tag.firmwareID] else { return nil }
        return ReaderIdentity.text(v)
    }
}
