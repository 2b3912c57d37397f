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
            let tag = b[i]
            let length = Int(b[i + 1])
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

    /// Largest APDU data field the reader carries; 0 means short APDUs only (docs/design.md §5).
    public var maxAPDUDataSize: Int? { integer(Tag.maxAPDUDataSize).map(Int.init) }
    public var vendorID: UInt16? { integer(Tag.vendorID).flatMap { UInt16(exactly: $0) } }
    public var productID: UInt16? { integer(Tag.productID).flatMap { UInt16(exactly: $0) } }
    public var firmwareID: String? {
        guard let v = values[Tag.firmwareID] else { return nil }
        return ReaderIdentity.text(v)
    }
}
