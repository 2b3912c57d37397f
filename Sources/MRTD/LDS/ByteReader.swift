/// A bounds-checked big-endian reader for binary records inside data groups: every read
/// checks the remaining length first and throws instead of trapping.
struct ByteReader {
    private let data: [UInt8]
    private(set) var offset = 0

    init(_ data: [UInt8]) { self.data = data }

    /// Total bytes.
    var count: Int { data.count }
    var remaining: Int { data.count - offset }

    mutating func byte() throws(LDSError) -> UInt8 {
        guard remaining >= 1 else { throw .malformed("truncated record") }
        defer { offset += 1 }
        return data[offset]
    }

    mutating func bytes(_ n: Int) throws(LDSError) -> [UInt8] {
        guard n >= 0, remaining >= n else { throw .malformed("truncated record") }
        defer { offset += n }
        return Array(data[offset..<(offset + n)])
    }

    mutating func skip(_ n: Int) throws(LDSError) {
        guard n >= 0, remaining >= n else { throw .malformed("truncated record") }
        offset += n
    }

    /// An unsigned big-endian integer of 1 … 4 bytes.
    mutating func uint(_ n: Int) throws(LDSError) -> Int {
        var v = 0
        for b in try bytes(n) { v = v << 8 | Int(b) }
        return v
    }

    static func be(_ value: Int, _ n: Int) -> [UInt8] {
        (0..<n).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
