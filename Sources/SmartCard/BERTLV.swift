/// A BER-TLV tag (ISO/IEC 7816-4 §5.2 / ITU-T X.690), up to four bytes, kept as its
/// encoded value: `0x5F1F`, `0x7F49`, `0x61`.
public struct TLVTag: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let value: UInt32

    public init(_ value: UInt32) { self.value = value }
    public init(integerLiteral value: UInt32) { self.value = value }

    /// Encoded bytes (1 to 4).
    public var bytes: [UInt8] {
        var v = value
        var out: [UInt8] = []
        repeat {
            out.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        } while v != 0
        return out
    }

    private var firstByte: UInt8 { bytes[0] }
    /// Bit 6 of the first byte: the value is itself a sequence of TLVs.
    public var isConstructed: Bool { firstByte & 0x20 != 0 }
    /// 0 universal, 1 application, 2 context-specific, 3 private.
    public var tagClass: Int { Int(firstByte >> 6) }

    public var description: String { Hex.encode(bytes) }
}

/// Why bytes are not well-formed BER-TLV. Parsers throw these; they never trap.
public enum TLVError: Error, Sendable, Equatable {
    case truncated
    case tagTooLong
    case indefiniteLength
    case lengthTooLong
    case nestingTooDeep
    case trailingBytes
    case notConstructed
    case missingTag(TLVTag)
}

/// One BER-TLV data object. The value is kept as bytes; constructed objects are
/// decoded on demand with `children()`, so nesting depth is bounded by the caller.
public struct TLV: Hashable, Sendable {
    public let tag: TLVTag
    public let value: [UInt8]

    public init(tag: TLVTag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    public init(tag: TLVTag, children: [TLV]) {
        self.init(tag: tag, value: children.flatMap(\.encoded))
    }

    /// The whole object, tag + length + value.
    public var encoded: [UInt8] { tag.bytes + TLV.encodeLength(value.count) + value }

    /// DER length encoding (short form below 128, then 81/82/83/84).
    public static func encodeLength(_ n: Int) -> [UInt8] {
        precondition(n >= 0 && n <= Int(UInt32.max))
        if n < 0x80 { return [UInt8(n)] }
        var v = n
        var out: [UInt8] = []
        while v > 0 {
            out.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return [0x80 | UInt8(out.count)] + out
    }

    /// Decodes exactly one object; bytes after it are an error.
    public static func decode<C: Collection>(_ bytes: C) throws(TLVError) -> TLV where C.Element == UInt8 {
        let b = Array(bytes)
        let (tlv, end) = try decodeOne(b[...])
        guard end == b.count else { throw .trailingBytes }
        return tlv
    }

    /// Decodes a concatenation of objects (one level).
    public static func decodeSequence<C: Collection>(_ bytes: C) throws(TLVError) -> [TLV] where C.Element == UInt8 {
        let b = Array(bytes)
        var out: [TLV] = []
        var slice = b[...]
        while !slice.isEmpty {
            let (tlv, end) = try decodeOne(slice)
            out.append(tlv)
            slice = b[end...]
        }
        return out
    }

    /// Reads the header of the object at the start of `bytes`: tag, value range, end index.
    /// Use it to learn a file's total length from its first few bytes.
    public static func decodeHeader(
        _ bytes: ArraySlice<UInt8>
    ) throws(TLVError) -> (tag: TLVTag, valueStart: Int, length: Int) {
        var i = bytes.startIndex
        guard i < bytes.endIndex else { throw .truncated }
        var tag = UInt32(bytes[i])
        if bytes[i] & 0x1F == 0x1F {
            var count = 1
            repeat {
                i += 1
                guard i < bytes.endIndex else { throw .truncated }
                count += 1
                guard count <= 4 else { throw .tagTooLong }
                tag = tag << 8 | UInt32(bytes[i])
            } while bytes[i] & 0x80 != 0
        }
        i += 1
        guard i < bytes.endIndex else { throw .truncated }
        let first = bytes[i]
        i += 1
        var length: Int
        if first < 0x80 {
            length = Int(first)
        } else if first == 0x80 {
            throw .indefiniteLength
        } else {
            let n = Int(first & 0x7F)
            guard n <= 4 else { throw .lengthTooLong }
            guard bytes.endIndex - i >= n else { throw .truncated }
            length = 0
            for _ in 0..<n {
                length = length << 8 | Int(bytes[i])
                i += 1
            }
        }
        return (TLVTag(tag), i, length)
    }

    /// Decodes one object at the start of `bytes`; returns it and the index after it.
    public static func decodeOne(_ bytes: ArraySlice<UInt8>) throws(TLVError) -> (TLV, Int) {
        let (tag, start, length) = try decodeHeader(bytes)
        guard bytes.endIndex - start >= length else { throw .truncated }
        return (TLV(tag: tag, value: Array(bytes[start..<(start + length)])), start + length)
    }

    /// The objects inside a constructed object (one level).
    public func children() throws(TLVError) -> [TLV] {
        guard tag.isConstructed else { throw .notConstructed }
        return try TLV.decodeSequence(value)
    }

    /// The first child with `tag`, or `nil`.
    public func child(_ tag: TLVTag) throws(TLVError) -> TLV? {
        try children().first { $0.tag == tag }
    }

    /// The first child with `tag`; throws `missingTag` when absent.
    public func require(_ tag: TLVTag) throws(TLVError) -> TLV {
        guard let c = try child(tag) else { throw .missingTag(tag) }
        return c
    }

    /// Every object below this one, depth first; throws when nesting exceeds `maxDepth`,
    /// so hostile input cannot drive unbounded recursion.
    public func descendants(maxDepth: Int = 16) throws(TLVError) -> [TLV] {
        var out: [TLV] = []
        try collect(into: &out, depth: 1, maxDepth: maxDepth)
        return out
    }

    private func collect(into out: inout [TLV], depth: Int, maxDepth: Int) throws(TLVError) {
        guard tag.isConstructed else { return }
        guard depth <= maxDepth else { throw .nestingTooDeep }
        for c in try children() {
            out.append(c)
            try c.collect(into: &out, depth: depth + 1, maxDepth: maxDepth)
        }
    }
}
