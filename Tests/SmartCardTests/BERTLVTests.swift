import Testing

@testable import SmartCard

@Suite struct BERTLVDecoding {
    @Test func efCOMFromAppendixD() throws {
        let com = try TLV.decode([UInt8](hex: "60145F0104303130365F36063034303030305C026175"))
        #expect(com.tag == 0x60)
        #expect(com.tag.isConstructed && com.tag.tagClass == 1)
        let children = try com.children()
        #expect(children.map(\.tag) == [0x5F01, 0x5F36, 0x5C])
        #expect(try com.require(0x5C).value == [0x61, 0x75])
    }

    @Test func longFormLengths() throws {
        let value = [UInt8](repeating: 0x41, count: 300)
        let tlv = TLV(tag: 0x75, value: value)
        #expect(Array(tlv.encoded.prefix(4)) == [0x75, 0x82, 0x01, 0x2C])
        #expect(try TLV.decode(tlv.encoded) == tlv)
        #expect(TLV.encodeLength(127) == [0x7F])
        #expect(TLV.encodeLength(128) == [0x81, 0x80])
        #expect(TLV.encodeLength(65536) == [0x83, 0x01, 0x00, 0x00])
    }

    @Test func multiByteTags() throws {
        let t = try TLV.decode([0x7F, 0x49, 0x02, 0x86, 0x00])
        #expect(t.tag == 0x7F49)
        #expect(t.tag.bytes == [0x7F, 0x49])
        let three = try TLV.decode([0x5F, 0x81, 0x01, 0x00])
        #expect(three.tag == 0x5F8101)
    }

    @Test func truncatedInputThrows() {
        let full = [UInt8](hex: "60145F0104303130365F36063034303030305C026175")
        for n in 0..<full.count {
            #expect(throws: TLVError.self) { try TLV.decode(full.prefix(n)) }
        }
    }

    @Test func hostileLengthsThrowRatherThanTrap() {
        #expect(throws: TLVError.indefiniteLength) { try TLV.decode([0x30, 0x80, 0x00, 0x00]) }
        #expect(throws: TLVError.lengthTooLong) { try TLV.decode([0x04, 0x85, 1, 2, 3, 4, 5]) }
        #expect(throws: TLVError.truncated) { try TLV.decode([0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]) }
        #expect(throws: TLVError.tagTooLong) { try TLV.decode([0x5F, 0x81, 0x81, 0x81, 0x01, 0x00]) }
        #expect(throws: TLVError.trailingBytes) { try TLV.decode([0x04, 0x01, 0x00, 0x00]) }
        #expect(throws: TLVError.notConstructed) { try TLV(tag: 0x04, value: []).children() }
    }

    @Test func nestingBeyondTheLimitThrows() throws {
        var node = TLV(tag: 0x04, value: [1])
        for _ in 0..<40 { node = TLV(tag: 0x30, children: [node]) }
        let reparsed = try TLV.decode(node.encoded)
        #expect(throws: TLVError.nestingTooDeep) { try reparsed.descendants(maxDepth: 16) }
        #expect(try reparsed.descendants(maxDepth: 64).count == 40)
    }

    @Test func sequenceOfObjects() throws {
        let seq = try TLV.decodeSequence([0x80, 0x01, 0xAA, 0x81, 0x00, 0x82, 0x02, 0x01, 0x02])
        #expect(seq.map(\.tag) == [0x80, 0x81, 0x82])
        #expect(seq[1].value.isEmpty)
    }
}

/// A scripted channel for unit tests of the collecting decorator.
private actor ScriptedChannel: CardChannel {
    var answers: [ResponseAPDU]
    var sent: [CommandAPDU] = []
    init(_ answers: [ResponseAPDU]) { self.answers = answers }
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        sent.append(command)
        return answers.isEmpty ? ResponseAPDU(status: .noPreciseDiagnosis) : answers.removeFirst()
    }
}

@Suite struct ResponseCollecting {
    @Test func getResponseCollects61xx() async throws {
        let card = ScriptedChannel([
            ResponseAPDU(data: [1, 2], status: StatusWord(0x6103)),
            ResponseAPDU(data: [3, 4, 5], status: .success),
        ])
        let r = try await ResponseCollectingChannel(card).transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 256))
        #expect(r.data == [1, 2, 3, 4, 5])
        #expect(await card.sent.last == CommandAPDU(ins: 0xC0, p1: 0, p2: 0, ne: 3))
    }

    @Test func wrongLeIsResentWithTheRightOne() async throws {
        let card = ScriptedChannel([
            ResponseAPDU(status: StatusWord(0x6C12)),
            ResponseAPDU(data: [UInt8](repeating: 0, count: 0x12), status: .success),
        ])
        let r = try await ResponseCollectingChannel(card).transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 256))
        #expect(r.data.count == 0x12)
        #expect(await card.sent.last?.ne == 0x12)
    }

    @Test func endless61xxIsBounded() async {
        let card = ScriptedChannel(Array(repeating: ResponseAPDU(data: [0], status: StatusWord(0x6101)), count: 100))
        await #expect(throws: CardCommandError.self) {
            try await ResponseCollectingChannel(card).transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 256))
        }
    }
}

@Suite struct ATRDecoding {
    @Test func contactlessICAOChipAsPCSCShowsIt() throws {
        let atr = try ATR([UInt8](hex: "3B88800100000000778181007E"))
        #expect(atr.isContactless)
        #expect(atr.protocols == [0, 1])
        #expect(atr.historicalBytes == [0, 0, 0, 0, 0x77, 0x81, 0x81, 0x00])
        #expect(atr.checksumValid == true)
    }

    @Test func contactT0CardWithoutTCK() throws {
        let atr = try ATR([UInt8](hex: "3B6500002063CBA6A0"))
        #expect(!atr.isContactless)
        #expect(atr.protocols == [0])
        #expect(atr.checksumValid == nil)
    }

    @Test func wrongChecksumIsReported() throws {
        #expect(try ATR([UInt8](hex: "3B88800100000000778181007F")).checksumValid == false)
    }

    @Test func hostileATRsThrow() {
        #expect(throws: ATR.ParseError.tooShort) { try ATR([0x3B]) }
        #expect(throws: ATR.ParseError.badInitialCharacter(0x00)) { try ATR([0x00, 0x00]) }
        #expect(throws: ATR.ParseError.truncated) { try ATR([0x3B, 0x8F, 0x80]) }
        #expect(throws: ATR.ParseError.truncated) { try ATR([0x3B, 0x0F, 1, 2]) }
        #expect(throws: ATR.ParseError.truncated) { try ATR([0x3B, 0xF0] + [UInt8](repeating: 0xFF, count: 40)) }
    }
}
