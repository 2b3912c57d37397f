import Foundation
import SmartCard
import Testing

@testable import PCSC

/// pcsc-tools' list of ATRs: names for `cancuoc readers`, from the file's own syntax.
@Suite struct SmartcardListTests {
    static let idCardContactATR = KnownCard.vietnameseIDCardContactChip.atrs[0]

    static let sample = """
        #
        # syntax:
        # ATR in regular expression form
        # \\t descriptive text

        3B 9F 96 C0 0A 31 FE 45 75 4A 61 76 65 6C 69 6E 2D 4F 53 20 31 2E 30 51
        \tVietnam ID Card (eID)

        3B 3B .. 00 80 6. A[FE] 03 0[CD] .. .. 83 .. 90 00
        \tA card by pattern
        \thttp://example.org/

        3B EF 00 FF 81 31 42 45 .* 38
        \tAny length in the middle

        3B ((( broken
        \tA pattern that is not a regular expression

        3B (.*)*.*.* 00
        \tA pattern that could backtrack for long

        3B 02 14 50
        this line is neither an ATR nor a description

        \tA description with no ATR above it

        """

    @Test func namesTheIDCardsContactChipAsTheListDoes() {
        let list = SmartcardList(text: Self.sample)
        #expect(list.descriptions(for: Self.idCardContactATR) == ["Vietnam ID Card (eID)"])
    }

    @Test func matchesTheWholeATRByPattern() {
        let list = SmartcardList(text: Self.sample)
        let byPattern: [UInt8] = [
            0x3B, 0x3B, 0x11, 0x00, 0x80, 0x69, 0xAF, 0x03, 0x0C, 0x01, 0x6F, 0x83, 0x00, 0x90, 0x00,
        ]
        #expect(list.descriptions(for: byPattern) == ["A card by pattern", "http://example.org/"])
        // One byte more, or a byte outside a class, is another card.
        #expect(list.descriptions(for: byPattern + [0x00]).isEmpty)
        var outsideTheClass = byPattern
        outsideTheClass[6] = 0xAB
        #expect(list.descriptions(for: outsideTheClass).isEmpty)
        let longer: [UInt8] = [0x3B, 0xEF, 0x00, 0xFF, 0x81, 0x31, 0x42, 0x45, 0x01, 0x02, 0x03, 0x38]
        #expect(list.descriptions(for: longer) == ["Any length in the middle"])
    }

    @Test func skipsWhatFitsNoPartOfTheSyntax() {
        let list = SmartcardList(text: Self.sample)
        #expect(list.entries.map(\.pattern).contains("3B ((( broken"))
        let anyATR: [UInt8] = [0x3B] + Array(repeating: 0x11, count: 30) + [0x00]
        #expect(list.descriptions(for: anyATR).isEmpty, "groups and nested repetition are outside the list's syntax")
        #expect(list.descriptions(for: [0x3B, 0x02, 0x14, 0x50]).isEmpty, "an ATR with no description names nothing")
        #expect(!list.entries.flatMap(\.descriptions).contains("A description with no ATR above it"))
        #expect(SmartcardList(text: "").entries.isEmpty)
        #expect(
            SmartcardList(text: "3B 00\r\n\tWindows line ends\r\n").descriptions(for: [0x3B, 0x00]) == [
                "Windows line ends"
            ]
        )
    }

    /// Debian's pcsc-tools (a runtime suggestion, installed by `make deps`): the real file names
    /// the ID card's contact chip, and a virtual card's ATR it does not know names nothing.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: SmartcardList.debianPath)))
    func theInstalledListNamesTheIDCard() throws {
        let list = try #require(SmartcardList.installed())
        #expect(list.entries.count > 1_000)
        #expect(list.descriptions(for: Self.idCardContactATR).contains("Vietnam ID Card (eID)"))
        #expect(list.descriptions(for: [0x3B, 0x80, 0x80, 0x01, 0x01, 0x55, 0x55]).isEmpty)
    }
}
