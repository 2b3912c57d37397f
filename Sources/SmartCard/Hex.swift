/// Hexadecimal text for bytes: used in tests, traces of headers and the JSON API (ATRs).
public enum Hex {
    private static let digits = Array("0123456789ABCDEF".utf8)

    /// Uppercase hex with no separators.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A 16-bit value as 4 hex digits (USB vendor and product ids): lower case as lsusb and
    /// the stable reader ids write them, upper case where the usage log always has.
    public static func word(_ value: UInt16, uppercase: Bool = false) -> String {
        let s = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: 4 - s.count) + s
    }

    /// Parses hex, ignoring spaces, colons and newlines; `nil` on any other character or an odd count.
    public static func decode(_ text: String) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: ":"), UInt8(ascii: "\n"), UInt8(ascii: "\t"): continue
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return high == nil ? out : nil
    }
}

extension Array where Element == UInt8 {
    /// `[UInt8](hex: "00A4")`; traps on invalid text, so only for literals in code and tests.
    public init(hex: String) {
        guard let bytes = Hex.decode(hex) else { preconditionFailure("invalid hex literal") }
        self = bytes
    }

    public var hex: String { Hex.encode(self) }
}

extension ArraySlice where Element == UInt8 {
    public var hex: String { Hex.encode(self) }
}
