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
        let (cleaned, simple) = clean(text)
        guard simple else { return cleaned.split(whereSeparator: { $0 == " " || $0.isNewline }) }
        // Each scalar is a character of its own: the same cut without grapheme breaking (a CR LF
        // is one character but two separators; empty pieces are dropped either way).
        return cleaned.unicodeScalars.split(whereSeparator: { $0 == " " || isNewline($0) }).map(Substring.init)
    }

    /// `words` cut character by character, whatever the text (FastPaths compares the two).
    static func wordsByCharacter(_ text: some StringProtocol) -> [Substring] {
        clean(text).text.split(whereSeparator: { $0 == " " || $0.isNewline })
    }

    /// The text with punctuation turned into spaces and apostrophes removed, and whether every
    /// scalar left `isOwnCharacter`.
    private static func clean(_ text: some StringProtocol) -> (text: String, simple: Bool) {
        var cleaned = String()
        cleaned.reserveCapacity(text.utf8.count)
        var simple = true
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'", "’", "‘", "`", "ʼ", "´": continue
            case "-", "–", "—", "_", "/", "(", ")", "\"", "“", "”", ":", ";", "\t", "\u{00A0}": cleaned.append(" ")
            default:
                cleaned.unicodeScalars.append(scalar)
                simple = simple && isOwnCharacter(scalar)
            }
        }
        return (cleaned, simple)
    }

    /// The newline characters of one scalar (`Character.isNewline`).
    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Scalars that are always a character of their own and never change under NFC: below U+0300
    /// (ASCII, Latin-1, Latin Extended-A and -B, IPA) and Latin Extended Additional (U+1E00–U+1EFF,
    /// the precomposed Vietnamese letters). No combining mark, joiner or other script among them:
    /// only a CR LF pair makes one character of two, and it is whitespace either way.
    static func isOwnCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x300 || (scalar.value >= 0x1E00 && scalar.value <= 0x1EFF)
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

    /// Whether `text` is NFC as it is: every scalar `isOwnCharacter`. None of those changes under
    /// NFC, and none composes with the scalar before it (that takes a combining mark), so
    /// Foundation's normalisation would return the text unchanged (AdminUnitsTests' FastPaths
    /// checks every one of them against Foundation). Text typed or decoded with combining marks,
    /// or any other scalar, still goes through Foundation.
    static func isSurelyNFC(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(isOwnCharacter)
    }

    /// NFC, one space between words, no space before a comma, no empty part between commas:
    /// the form `text` is reported in.
    static func tidy(_ text: String) -> String {
        guard isSurelyNFC(text) else { return tidyByCharacter(text.precomposedStringWithCanonicalMapping) }
        // Each scalar is a character of its own: the same cuts as `tidyByCharacter`, scalar by
        // scalar (`Character.isWhitespace` is its first scalar's White_Space), without grapheme breaking.
        let parts = text.unicodeScalars.split(separator: ",", omittingEmptySubsequences: false)
            .map { part in
                part.split(whereSeparator: \.properties.isWhitespace).map(Substring.init).joined(separator: " ")
            }
            .filter { !$0.isEmpty }
        return parts.joined(separator: ", ")
    }

    static func tidyByCharacter(_ nfc: String) -> String {
        let parts = nfc.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !$0.isEmpty }
        return parts.joined(separator: ", ")
    }
}
