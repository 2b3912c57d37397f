/// An Answer To Reset decoded (ISO/IEC 7816-3 §8.2), with the PC/SC part 3 reading of
/// contactless cards: what `cancuoc diag` shows a technician.
public struct ATR: Hashable, Sendable {
    public let bytes: [UInt8]
    /// Protocols the card announces (T=0 when no TD says otherwise).
    public let protocols: [Int]
    public let historicalBytes: [UInt8]
    /// Whether TCK is present and correct (it must be when any protocol other than T=0 is offered).
    public let checksumValid: Bool?
    /// `3B 8n 80 01 …`: a contactless card as PC/SC part 3 §3.1.3.2.3 presents it.
    public let isContactless: Bool

    public enum ParseError: Error, Sendable, Equatable {
        case tooShort
        case badInitialCharacter(UInt8)
        case truncated
    }

    public init(_ atr: [UInt8]) throws(ParseError) {
        guard atr.count >= 2 else { throw .tooShort }
        guard atr[0] == 0x3B || atr[0] == 0x3F else { throw .badInitialCharacter(atr[0]) }
        bytes = atr
        let t0 = atr[1]
        let historicalCount = Int(t0 & 0x0F)
        var index = 2
        var y = t0 >> 4
        var protocols: [Int] = []
        var interface: [UInt8] = []
        // Each TD consumes input, so the loop ends with the bytes.
        while true {
            for bit in 0..<3 where y & (1 << bit) != 0 {
                guard index < atr.count else { throw .truncated }
                interface.append(atr[index])
                index += 1
            }
            guard y & 0x08 != 0 else { break }
            guard index < atr.count else { throw .truncated }
            let td = atr[index]
            interface.append(td)
            index += 1
            protocols.append(Int(td & 0x0F))
            y = td >> 4
        }
        guard atr.count >= index + historicalCount else { throw .truncated }
        historicalBytes = Array(atr[index..<(index + historicalCount)])
        let afterHistorical = index + historicalCount
        let needsTCK = protocols.contains { $0 != 0 }
        if atr.count > afterHistorical {
            checksumValid = atr[1...].reduce(0, ^) == 0
        } else {
            checksumValid = needsTCK ? false : nil
        }
        // T=15 marks global interface bytes, not a protocol.
        let offered = protocols.reduce(into: [Int]()) { if $1 != 15 && !$0.contains($1) { $0.append($1) } }
        self.protocols = offered.isEmpty ? [0] : offered
        isContactless = atr.count >= 4 && t0 & 0xF0 == 0x80 && atr[2] == 0x80 && atr[3] == 0x01
    }

    public var hex: String { Hex.encode(bytes) }
}
