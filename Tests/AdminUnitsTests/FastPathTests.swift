import Foundation
import Testing

@testable import AdminUnits

/// The resolver's shortcuts around Foundation (trimming, NFC of ASCII text) give what Foundation
/// gives: they make a read cheaper and change no answer.
@Suite struct FastPaths {
    static let samples = [
        "", " ", "\t", "Hà Nội", "  Hà Nội  ", "\tPhường 1\t", "\u{00A0}Quận 5\u{3000}", " \u{0301}a ",
        "Ha Noi", "\nHuế\n", " \u{2003}Đà Nẵng\u{202F} ", "Số 18 ngõ 52", "a\u{00A0}b", " \u{200B}x ",
        "Hòa", "Hoa\u{0300}", "TP.HCM, VN", "  ,  ", "Tổ 7\r\nPhường 1,\u{85}Quận 5", "a\u{0301} b, ©\u{200D}x",
        "Xã Ea Kao,, TP. Buôn Ma Thuột", "Đắk R’Lấp - Bà Rịa-Vũng Tàu (cũ)", " ,\t, x\u{2028}y ",
    ]

    /// Every name of every list, every sample, and a list of names.
    static let texts: [String] = {
        let names = UnitList.allCases.flatMap { list in
            let store = UnitStore.shared[list]
            return (Array(store.provinces.values) + Array(store.districts.values) + Array(store.communes.values)).map(
                \.name
            )
        }
        return samples + names + [names.prefix(500).joined(separator: ", ")]
    }()

    @Test func wordsAreCutAsCharacterByCharacter() {
        var differ: [String] = []
        for text in Self.texts {
            let fast = VietnameseText.words(text).map { Self.scalars(String($0)) }
            let slow = VietnameseText.wordsByCharacter(text).map { Self.scalars(String($0)) }
            if fast != slow { differ.append(text) }
        }
        #expect(Self.texts.count > 20_000)
        #expect(differ.isEmpty, "\(differ.prefix(10))")
    }

    @Test func tidyIsTheSameOnEveryName() {
        var differ: [String] = []
        for text in Self.texts {
            let slow = VietnameseText.tidyByCharacter(text.precomposedStringWithCanonicalMapping)
            if Self.scalars(VietnameseText.tidy(text)) != Self.scalars(slow) { differ.append(text) }
        }
        #expect(differ.isEmpty, "\(differ.prefix(10))")
    }

    @Test(arguments: samples)
    func trimmingIsFoundationsWhitespaceTrimming(text: String) {
        let trimmed = AddressResolver.Part.trimmingWhitespace(text)
        #expect(Self.scalars(trimmed) == Self.scalars(text.trimmingCharacters(in: .whitespaces)))
    }

    @Test func theTrimmedScalarsAreFoundationsWhitespaces() {
        var differ: [String] = []
        for value in UInt32(0)..<0x1_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if AddressResolver.Part.isSpace(scalar) != CharacterSet.whitespaces.contains(scalar) {
                differ.append("U+\(String(value, radix: 16))")
            }
        }
        #expect(differ.isEmpty, "\(differ)")
    }

    @Test(arguments: samples)
    func tidyIsFoundationsNFCThenSpaces(text: String) {
        let nfc = text.precomposedStringWithCanonicalMapping
        let expected = nfc.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: ", ")
        #expect(Self.scalars(VietnameseText.tidy(text)) == Self.scalars(expected))
    }

    @Test func everyScalarTakenAsNFCIsUnchangedByFoundationsNFC() {
        var taken = 0
        for value in Array(0..<0x300) + Array(0x1E00...0x1EFF) {
            let scalar = Unicode.Scalar(UInt32(value))!
            let text = String(String.UnicodeScalarView([scalar]))
            guard VietnameseText.isSurelyNFC(text) else { continue }
            taken += 1
            #expect(
                Self.scalars(text.precomposedStringWithCanonicalMapping) == [scalar.value],
                "U+\(String(value, radix: 16))"
            )
        }
        #expect(taken == 0x300 + 0x100)
        #expect(!VietnameseText.isSurelyNFC("Hoa\u{0300}"))
        #expect(!VietnameseText.isSurelyNFC("\u{2000}"))
    }

    /// Scalar by scalar: `==` on strings would call "Hoà" and "Hoa\u{0300}" equal.
    static func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }
}
