import Foundation

/// Text helpers for the values the CCCD chip and QR code carry.
enum VietnameseText {
    /// Lowercased, diacritics removed (đ → d), whitespace collapsed: for matching
    /// words like "Không thời hạn" however they were typed.
    static func fold(_ text: String) -> String {
        let folded = text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// "Không thời hạn" and its spellings without diacritics or with other case.
    static func meansNoExpiry(_ text: String) -> Bool {
        fold(text).contains("khong thoi han")
    }

    /// Decodes bytes leniently as UTF-8 (invalid sequences become U+FFFD), trimming
    /// whitespace and NUL padding; `nil` when nothing is left.
    static func decode(_ bytes: [UInt8]) -> String? {
        let s = String(decoding: bytes, as: UTF8.self)
            .trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{0}")))
        return s.isEmpty ? nil : s.precomposedStringWithCanonicalMapping
    }

    /// "dd/mm/yyyy" (also `-` or `.` separated, or the 8 digits "ddMMyyyy") → "yyyy-mm-dd";
    /// `nil` when not a plausible calendar day.
    static func isoDate(_ text: String) -> String? {
        let digits = text.trimmingCharacters(in: .whitespaces)
        var parts = digits.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        if parts.count == 1, parts[0].count == 8 {
            let s = parts[0]
            parts = [String(s.prefix(2)), String(s.dropFirst(2).prefix(2)), String(s.suffix(4))]
        }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
            parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
            let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]),
            (1...12).contains(m), y >= 1800, (1...daysIn(month: m, year: y)).contains(d)
        else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// "yyyy-mm-dd" → "dd/mm/yyyy" for display; other text unchanged.
    static func displayDate(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        guard p.count == 3 else { return iso }
        return "\(p[2])/\(p[1])/\(p[0])"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
