/// One word of an address part, in the two key forms of `VietnameseText`, with the index of
/// the printed word it came from (an abbreviation such as "TP." gives two tokens of one word).
struct Token: Sendable {
    let exact: String
    let folded: String
    let word: Int
}

/// The type words of each level ("Phường", "Thị trấn", ...) and the abbreviations that stand
/// for them as whole tokens (docs/address.md: "TP.", "TX.", "TT.", "Q.", "H.", "P.", "X.").
enum TypeWords {
    static let province = keys(["thành phố", "tỉnh"])
    static let district = keys(["thành phố", "thị xã", "quận", "huyện"])
    static let commune = keys(["thị trấn", "đặc khu", "phường", "xã"])
    static let lower = district + commune

    /// Abbreviation (folded, without its dot) → the words it stands for.
    static let abbreviations: [String: [String]] = [
        "tp": ["thành", "phố"], "tx": ["thị", "xã"], "tt": ["thị", "trấn"],
        "q": ["quận"], "h": ["huyện"], "p": ["phường"], "x": ["xã"],
    ]
    /// The words of each abbreviation with their keys, computed once.
    static let expansions: [String: [(exact: String, folded: String)]] = abbreviations.mapValues { words in
        words.map { (VietnameseText.exactKey(word: $0), VietnameseText.foldedKey(word: $0)) }
    }
    /// Those that count without a dot anywhere; the one-letter ones count without a dot only
    /// as the first word of a part and before a number ("P 5", "Q 10"), never in a name ("H Neng").
    static let undotted: Set<String> = ["tp", "tx", "tt"]

    static func keys(_ words: [String]) -> [[TypeWord]] {
        words.map { phrase in
            VietnameseText.words(phrase).map {
                TypeWord(exact: VietnameseText.exactKey(word: $0), folded: VietnameseText.foldedKey(word: $0))
            }
        }
    }

    /// One word of a type word. A printed word is it when spelt exactly so, or when printed
    /// without any mark and equal to it folded: "Phuong 1" is "Phường 1", but "Phương Mai" is a
    /// name and "Quản Bạ" is not "Quận Bạ".
    struct TypeWord: Sendable {
        let exact: String
        let folded: String

        func matches(_ token: Token) -> Bool {
            token.exact == exact || (token.exact == token.folded && token.folded == folded)
        }
    }

    /// The type words of two words of every level, for `splitsTypeWord`.
    static let twoWords = (province + lower).filter { $0.count == 2 }

    // The three below run for every tail of every part of every address read: plain loops over
    // indexes (no closures, no zip), which an unoptimised build runs several times faster.

    /// The number of leading tokens that are a type word of `types` (longest first), 0 if none.
    static func prefixLength(_ tokens: ArraySlice<Token>, _ types: [[TypeWord]]) -> Int {
        var best = 0
        for type in types where type.count > best && tokens.count >= type.count {
            if matches(type, tokens, from: tokens.startIndex) { best = type.count }
        }
        return best
    }

    /// Whether cutting `tokens` before `index` would cut a type word of two words in two
    /// ("Thị | xã Chũ" is the town of Chũ, not "Thị" and the commune Chũ).
    static func splitsTypeWord(_ tokens: [Token], at index: Int) -> Bool {
        guard index > 0, index < tokens.count else { return false }
        for type in twoWords where type[0].matches(tokens[index - 1]) && type[1].matches(tokens[index]) {
            return true
        }
        return false
    }

    /// Whether `tokens` end with a type word of `types`.
    static func endsWith(_ tokens: ArraySlice<Token>, _ types: [[TypeWord]]) -> Bool {
        for type in types where tokens.count >= type.count {
            if matches(type, tokens, from: tokens.endIndex - type.count) { return true }
        }
        return false
    }

    /// Whether the words of `type` are the tokens from `start` on (the caller checked the count).
    private static func matches(_ type: [TypeWord], _ tokens: ArraySlice<Token>, from start: Int) -> Bool {
        var index = start
        for word in type {
            if !word.matches(tokens[index]) { return false }
            index += 1
        }
        return true
    }
}

/// Tokens of one part of an address (between commas).
enum Tokenizer {
    static func tokens(_ part: some StringProtocol) -> (words: [Substring], tokens: [Token]) {
        let words = VietnameseText.words(part)
        var tokens: [Token] = []
        for (index, word) in words.enumerated() {
            var rest = Substring(word)
            var first = index == 0
            while !rest.isEmpty {
                let head: Substring
                if let dot = rest.firstIndex(of: ".") {
                    head = rest[..<dot]
                    let folded = VietnameseText.foldedKey(word: head)
                    if let expansion = TypeWords.expansions[folded], head.allSatisfy(\.isASCII) {
                        for w in expansion { tokens.append(Token(exact: w.exact, folded: w.folded, word: index)) }
                        rest = rest[rest.index(after: dot)...]
                        first = false
                        continue
                    }
                    rest = Substring(rest.filter { $0 != "." })
                    continue
                }
                head = rest
                rest = ""
                let folded = head.utf8.count <= 2 ? VietnameseText.foldedKey(word: head) : ""
                if head.allSatisfy(\.isASCII), let expansion = TypeWords.expansions[folded],
                    TypeWords.undotted.contains(folded)
                        || (first && words.count > 1 && words[1].allSatisfy { $0.isASCII && $0.isNumber })
                {
                    for w in expansion { tokens.append(Token(exact: w.exact, folded: w.folded, word: index)) }
                } else {
                    let keys = VietnameseText.keys(word: head)
                    tokens.append(Token(exact: keys.exact, folded: keys.folded, word: index))
                }
            }
        }
        return (words, tokens)
    }
}

/// The units under one parent (or the provinces), by the keys of their names with and without
/// the type word, exact and folded.
struct NameIndex: Sendable {
    private(set) var full: [String: [AdminUnit]] = [:]
    private(set) var bare: [String: [AdminUnit]] = [:]
    private(set) var foldedFull: [String: [AdminUnit]] = [:]
    private(set) var foldedBare: [String: [AdminUnit]] = [:]

    init(_ units: [AdminUnit], types: [[TypeWords.TypeWord]], aliases: [String: [String]] = [:]) {
        for unit in units {
            let tokens = Tokenizer.tokens(unit.name).tokens
            let typeLength = TypeWords.prefixLength(tokens[...], types)
            let name = tokens.dropFirst(typeLength)
            add(unit, exactFull: tokens[...], exactBare: name)
            for alias in aliases[unit.code] ?? [] {
                add(unit, exactFull: nil, exactBare: Tokenizer.tokens(alias).tokens[...])
            }
        }
    }

    private mutating func add(_ unit: AdminUnit, exactFull: ArraySlice<Token>?, exactBare: ArraySlice<Token>) {
        if let exactFull {
            full[Self.key(exactFull), default: []].append(unit)
            foldedFull[Self.foldedKey(exactFull), default: []].append(unit)
        }
        guard !exactBare.isEmpty else { return }
        bare[Self.key(exactBare), default: []].append(unit)
        foldedBare[Self.foldedKey(exactBare), default: []].append(unit)
    }

    static func key(_ tokens: ArraySlice<Token>) -> String { tokens.map(\.exact).joined(separator: " ") }
    static func foldedKey(_ tokens: ArraySlice<Token>) -> String { tokens.map(\.folded).joined(separator: " ") }

    /// The units whose name is `tokens`: with the type word if one is printed, else by the
    /// bare name (and the whole, in case what looked like a type word is part of the name);
    /// the exact spelling first, the folded one only when the exact finds nothing.
    func lookup(_ tokens: ArraySlice<Token>, types: [[TypeWords.TypeWord]]) -> [AdminUnit] {
        let typeLength = TypeWords.prefixLength(tokens, types)
        let name = tokens.dropFirst(typeLength)
        guard !tokens.isEmpty else { return [] }
        if typeLength > 0, let hit = full[Self.key(tokens)] { return hit }
        if !name.isEmpty, let hit = bare[Self.key(name)] { return hit }
        if typeLength > 0, let hit = bare[Self.key(tokens)] { return hit }
        if typeLength > 0, let hit = foldedFull[Self.foldedKey(tokens)] { return hit }
        if !name.isEmpty, let hit = foldedBare[Self.foldedKey(name)] { return hit }
        if typeLength > 0, let hit = foldedBare[Self.foldedKey(tokens)] { return hit }
        return []
    }
}
