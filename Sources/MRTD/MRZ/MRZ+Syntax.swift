/// Character-level helpers of the MRZ parser (ICAO 9303-3 §4.3 character set, §4.9 check digits).
extension MRZ {
    static func normalise(_ line: String) -> String {
        String(line.unicodeScalars.filter { !$0.properties.isWhitespace }).uppercased()
    }

    static func chunk(_ chars: [UInt8], _ size: Int) -> [String] {
        stride(from: 0, to: chars.count, by: size).map {
            String(decoding: chars[$0..<min($0 + size, chars.count)], as: UTF8.self)
        }
    }

    /// Checks lengths and the character set; returns the lines as bytes.
    static func validate(_ lines: [String], length: Int) throws(MRZError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for (n, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            for (col, b) in bytes.enumerated() {
                let ok =
                    (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "<")
                guard ok else { throw .invalidCharacter(line: n + 1, column: col + 1) }
            }
            guard bytes.count == length else {
                throw .wrongLineLength(line: n + 1, expected: length, actual: bytes.count)
            }
            out.append(bytes)
        }
        return out
    }

    static func check(_ field: ArraySlice<UInt8>, _ digit: UInt8, _ name: Field) throws(MRZError) {
        guard let c = CheckDigit.compute(String(decoding: field, as: UTF8.self)),
            c == Character(UnicodeScalar(digit))
        else { throw .badCheckDigit(name) }
    }

    /// Field text without trailing or embedded filler.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.filter { $0 != UInt8(ascii: "<") }, as: UTF8.self)
    }

    static func text(_ line: [UInt8], _ range: Range<Int>) -> String { text(line[range]) }

    /// `YYMMDD` with a plausible month and day.
    static func date(_ bytes: ArraySlice<UInt8>, _ name: Field) throws(MRZError) -> String {
        guard bytes.count == 6, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidField(name)
        }
        let d = bytes.map { Int($0 - UInt8(ascii: "0")) }
        let month = d[2] * 10 + d[3]
        let day = d[4] * 10 + d[5]
        guard (1...12).contains(month), (1...31).contains(day) else { throw .invalidField(name) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func sex(_ byte: UInt8) throws(MRZError) -> Sex {
        switch byte {
        case UInt8(ascii: "M"): return .male
        case UInt8(ascii: "F"): return .female
        case UInt8(ascii: "<"), UInt8(ascii: "X"): return .unspecified
        default: throw .invalidField(.sex)
        }
    }

    /// ICAO 9303-3 §4.6: primary and secondary identifiers separated by `<<`, `<` between words.
    static func names(_ bytes: ArraySlice<UInt8>) -> (String, String) {
        let filler = UInt8(ascii: "<")
        let words: (ArraySlice<UInt8>) -> String = { part in
            part.split(separator: filler).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == filler, bytes[i + 1] == filler {
                return (words(bytes[bytes.startIndex..<i]), words(bytes[(i + 2)...]))
            }
            i += 1
        }
        return (words(bytes), "")
    }
}
