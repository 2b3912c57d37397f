/// A command APDU (ISO/IEC 7816-4 §5.1): header, optional data (Nc bytes), optional Ne.
///
/// The encoding is chosen from the content: short when Nc ≤ 255 and Ne ≤ 256, extended
/// otherwise, or extended on request (`encoded(forceExtended:)`) when a card is known to
/// want it. `ne == nil` means "no Le field" (cases 1 and 3); `ne == 256` short or `65536`
/// extended is encoded as Le = 00 / 0000.
public struct CommandAPDU: Hashable, Sendable, CustomStringConvertible {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]
    public var ne: Int?

    public static let maxShortNc = 255
    public static let maxShortNe = 256
    public static let maxExtendedNc = 65535
    public static let maxExtendedNe = 65536

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], ne: Int? = nil) {
        precondition(data.count <= Self.maxExtendedNc, "Nc out of range")
        precondition(ne.map { $0 >= 1 && $0 <= Self.maxExtendedNe } ?? true, "Ne out of range")
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.ne = ne
    }

    /// ISO 7816-4 case: 1 (no data, no Le), 2 (Le), 3 (data), 4 (data and Le).
    public var isoCase: Int {
        switch (data.isEmpty, ne == nil) {
        case (true, true): return 1
        case (true, false): return 2
        case (false, true): return 3
        case (false, false): return 4
        }
    }

    /// Whether this command needs extended length fields to be encoded.
    public var requiresExtendedLength: Bool {
        data.count > Self.maxShortNc || (ne ?? 0) > Self.maxShortNe
    }

    /// Bytes on the wire. Extended encoding when required or when `forceExtended`.
    public func encoded(forceExtended: Bool = false) -> [UInt8] {
        var out: [UInt8] = [cla, ins, p1, p2]
        let extended = forceExtended || requiresExtendedLength
        out.reserveCapacity(4 + data.count + 5)
        if extended {
            if !data.isEmpty {
                out.append(0x00)
                out.append(UInt8(data.count >> 8))
                out.append(UInt8(data.count & 0xFF))
                out.append(contentsOf: data)
            }
            if let ne {
                let le = ne == Self.maxExtendedNe ? 0 : ne
                if data.isEmpty { out.append(0x00) }
                out.append(UInt8(le >> 8))
                out.append(UInt8(le & 0xFF))
            }
        } else {
            if !data.isEmpty {
                out.append(UInt8(data.count))
                out.append(contentsOf: data)
            }
            if let ne {
                out.append(ne == Self.maxShortNe ? 0x00 : UInt8(ne))
            }
        }
        return out
    }

    public var bytes: [UInt8] { encoded() }

    /// Parses wire bytes (used by the card side: the simulator, fuzzing). Throws on any
    /// length field that disagrees with the byte count.
    public init<C: Collection>(bytes: C) throws(APDUError) where C.Element == UInt8 {
        let b = Array(bytes)
        guard b.count >= 4 else { throw .truncated }
        let header = (b[0], b[1], b[2], b[3])
        var data: [UInt8] = []
        var ne: Int?
        let body = b.count - 4
        if body == 0 {
            // case 1
        } else if body == 1 {
            ne = b[4] == 0 ? 256 : Int(b[4])
        } else if b[4] != 0 {
            // short case 3 or 4
            let nc = Int(b[4])
            if body == 1 + nc {
                data = Array(b[5..<(5 + nc)])
            } else if body == 2 + nc {
                data = Array(b[5..<(5 + nc)])
                ne = b[5 + nc] == 0 ? 256 : Int(b[5 + nc])
            } else {
                throw .inconsistentLength
            }
        } else {
            // extended: 00 then two bytes
            guard body >= 3 else { throw .inconsistentLength }
            let n = Int(b[5]) << 8 | Int(b[6])
            if body == 3 {
                ne = n == 0 ? 65536 : n
            } else {
                guard n > 0 else { throw .inconsistentLength }
                if body == 3 + n {
                    data = Array(b[7..<(7 + n)])
                } else if body == 5 + n {
                    data = Array(b[7..<(7 + n)])
                    let le = Int(b[7 + n]) << 8 | Int(b[8 + n])
                    ne = le == 0 ? 65536 : le
                } else {
                    throw .inconsistentLength
                }
            }
        }
        self.init(cla: header.0, ins: header.1, p1: header.2, p2: header.3, data: data, ne: ne)
    }

    /// Header and lengths only: what traces may show (never the data bytes, which can be personal).
    public var description: String {
        var s = "CLA=\(Hex.encode([cla])) INS=\(Hex.encode([ins])) P1=\(Hex.encode([p1])) P2=\(Hex.encode([p2]))"
        if !data.isEmpty { s += " Lc=\(data.count)" }
        if let ne { s += " Le=\(ne)" }
        return s
    }
}

/// Errors decoding APDU bytes.
public enum APDUError: Error, Sendable, Equatable {
    case truncated
    case inconsistentLength
}
