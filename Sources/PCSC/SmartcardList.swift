import Foundation
import SmartCard

/// pcsc-tools' list of ATRs and card names (`smartcard_list.txt`, Debian's package pcsc-tools):
/// names for people in `cancuoc readers`, never a decision. What a card is for (an ID card's
/// contact chip, a signature token) comes from `KnownCard` and the reader classification alone.
///
/// The file's syntax: an ATR written as a regular expression over upper-case hex bytes separated
/// by spaces (`3B .. 00 80 6. A[FE]`, `.*`), then one or more lines starting with a tab that
/// describe the card, then an empty line; `#` starts a comment. The list (2023, 4,041 ATRs) uses
/// nothing of regular expressions but `.`, classes (`[FE]`, `[1-3]`, `[1,3]`) and one `.*`, so that
/// is all a pattern may use (no groups, alternation or nested repetition: nothing that could
/// backtrack for long). A pattern outside it, or not valid, matches nothing, and a line that fits
/// no part of the syntax is skipped: the file is somebody else's, and a damaged copy must not
/// stop `cancuoc readers`.
public struct SmartcardList: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The ATR as the file writes it: a regular expression over "3B 9F 96 …".
        public var pattern: String
        /// The lines that describe the card, tabs removed.
        public var descriptions: [String]
    }

    public var entries: [Entry]

    /// Where Debian's pcsc-tools installs the list.
    public static let debianPath = "/usr/share/pcsc/smartcard_list.txt"

    /// The longest line taken: the list's longest is about 300 characters.
    static let maximumLineLength = 4_096

    public init(text: String) {
        var entries: [Entry] = []
        var current: Entry?
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            guard line.utf8.count <= Self.maximumLineLength else {
                current = nil
                continue
            }
            if line.first == "\t" {
                let text = line.drop { $0 == "\t" }.trimmingSpaces()
                if !text.isEmpty { current?.descriptions.append(String(text)) }
            } else {
                if let entry = current, !entry.descriptions.isEmpty { entries.append(entry) }
                let pattern = line.trimmingSpaces()
                current =
                    pattern.isEmpty || pattern.first == "#" ? nil : Entry(pattern: String(pattern), descriptions: [])
            }
        }
        if let entry = current, !entry.descriptions.isEmpty { entries.append(entry) }
        self.entries = entries
    }

    /// The list at `path`, if it is there and readable as text (pcsc-tools is optional).
    public static func installed(at path: String = debianPath) -> SmartcardList? {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 16 << 20 else { return nil }
        return SmartcardList(text: String(decoding: data, as: UTF8.self))
    }

    /// The descriptions of every entry whose pattern matches the whole ATR.
    public func descriptions(for atr: [UInt8]) -> [String] {
        guard !atr.isEmpty else { return [] }
        let written = atr.map { Hex.encode([$0]) }.joined(separator: " ")
        return entries.filter { Self.matches($0.pattern, written) }.flatMap(\.descriptions)
    }

    /// Whether `pattern` matches all of `written`. A pattern made of hex digits and spaces only
    /// (most of the list) is compared as text; the others go through Swift's `Regex`.
    static func matches(_ pattern: String, _ written: String) -> Bool {
        if pattern.utf8.allSatisfy({ Self.literal.contains($0) }) { return pattern == written }
        guard pattern.utf8.allSatisfy({ Self.allowed.contains($0) }),
            pattern.utf8.count(where: { $0 == UInt8(ascii: "*") }) <= 1,
            let first = pattern.utf8.first, first == UInt8(ascii: ".") || first == written.utf8.first,
            let regex = try? Regex(pattern)
        else { return false }
        return (try? regex.wholeMatch(in: written)) != nil
    }

    private static let literal = Set("0123456789ABCDEF ".utf8)
    private static let allowed = literal.union(".[],-*".utf8)
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
