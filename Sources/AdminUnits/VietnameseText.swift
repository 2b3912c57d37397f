import Foundation
import Synchronization

/// The spelling-insensitive keys the resolver compares names by (docs/address.md).
///
/// Vietnamese names reach us in many spellings of the same letters: composed or decomposed
/// (NFC/NFD), the tone mark on either vowel ("Hoà" / "Hòa", "Thuỵ" / "Thụy"), typographic
/// apostrophes ("Đắk R’Lấp"), hyphens with or without spaces ("Bà Rịa-Vũng Tàu"), numbers with
/// leading zeros ("Phường 01"). `exactKey` removes those differences and nothing else: the
/// letters and the tone of every syllable are kept, so "Đồng Xuân" and "Đông Xuân" stay apart.
/// `foldedKey` drops every mark (and đ → d): the resolver uses it only when no exact key
/// matches, to break a tie, never to override an exact match.
enum VietnameseText {
    /// Combining tone marks (grave, acute, tilde, hook above, dot below).
    private static let tones: [Unicode.Scalar: Character] = [
        "\u{0300}": "2", "\u{0301}": "1", "\u{0303}": "4", "\u{0309}": "3", "\u{0323}": "5",
    ]

    /// Words of a name or an address part as printed, with punctuation other than the
    /// abbreviation dot turned into spaces and apostrophes removed.
    static func words(_ text: some StringProtocol) -> [Substring] {
        var cleaned = String()
        cleaned.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'", "’", "‘", "`", "ʼ", "´": continue
            case "-", "–", "—", "_", "/", "(", ")", "\"", "“", "”", ":", ";", "\t", "\u{00A0}": cleaned.append(" ")
            default: cleaned.unicodeScalars.append(scalar)
            }
        }
        return cleaned.split(whereSeparator: { $0 == " " || $0.isNewline })
    }

    /// Both keys of a word. ASCII words are keyed without Foundation's normalisation; the
    /// others are remembered (names repeat: a batch of 100,000 addresses has a few thousand
    /// distinct marked words), up to a bound so hostile input cannot grow the cache for ever.
    static func keys(word: some StringProtocol) -> (exact: String, folded: String) {
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            let key = asciiKey(word)
            return (key, key)
        }
        let text = String(word)
        if let hit = cache.withLock({ $0[text] }) { return hit }
        let keys = (exactKey(word: text), foldedKey(word: text))
        cache.withLock { if $0.count < 50_000 { $0[text] = keys } }
        return keys
    }

    private static let cache = Mutex<[String: (exact: String, folded: String)]>([:])

    private static func asciiKey(_ word: some StringProtocol) -> String {
        if word.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            let trimmed = word.drop(while: { $0 == "0" })
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        return String(
            decoding: word.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }.filter { $0 != 0x2E },
            as: UTF8.self
        )
    }

    /// One syllable with its tone moved to the end ("hoà" and "hòa" → "hoa2"); digits without
    /// their leading zeros.
    static func exactKey(word: some StringProtocol) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return asciiKey(word) }
        if word.allSatisfy(\.isASCII), word.allSatisfy(\.isNumber) {
            let trimmed = word.drop(while: { $0 == "0" })
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        var tone: Character?
        var base = String.UnicodeScalarView()
        for scalar in word.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if let mark = tones[scalar] {
                tone = mark
            } else if scalar != "." {
                base.append(scalar)
            }
        }
        var key = String(base).precomposedStringWithCanonicalMapping
        if let tone { key.append(tone) }
        return key
    }

    /// One syllable without any mark: "đồng" and "đông" → "dong".
    static func foldedKey(word: some StringProtocol) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return asciiKey(word) }
        var base = String.UnicodeScalarView()
        for scalar in word.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark || scalar == "." { continue }
            if scalar == "đ" { base.append("d") } else { base.append(scalar) }
        }
        let folded = String(base)
        if folded.allSatisfy(\.isASCII), folded.allSatisfy(\.isNumber) {
            let trimmed = folded.drop(while: { $0 == "0" })
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        return folded
    }

    /// Exact keys of the words of `text`.
    static func exactKeys(_ text: some StringProtocol) -> [String] {
        words(text).map { exactKey(word: $0) }
    }

    /// NFC, one space between words, no space before a comma, no empty part between commas:
    /// the form `text` is reported in.
    static func tidy(_ text: String) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        let parts = nfc.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !$0.isEmpty }
        return parts.joined(separator: ", ")
    }
}
