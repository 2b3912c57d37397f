import SmartCard
import Testing

@testable import MRTD

/// An in-process card that serves one file per SFI, for unit tests of the reading strategy.
private actor FileCard: CardChannel {
    var files: [UInt8: [UInt8]]
    var current: [UInt8]?
    let maxResponse: Int
    var answer6CFirst: Bool
    private(set) var commands: [CommandAPDU] = []

    init(files: [UInt8: [UInt8]], maxResponse: Int = 256, answer6CFirst: Bool = false) {
        self.files = files
        self.maxResponse = maxResponse
        self.answer6CFirst = answer6CFirst
    }

    func transmit(_ c: CommandAPDU) async throws -> ResponseAPDU {
        commands.append(c)
        switch c.ins {
        case 0xA4:
            let fid = c.data.count == 2 ? UInt8(c.data[1] & 0x1F) : 0
            guard let f = files[fid] else { return ResponseAPDU(status: .fileNotFound) }
            current = f
            return ResponseAPDU(status: .success)
        case 0xB0, 0xB1:
            var offset: Int
            if c.ins == 0xB1 {
                guard let t = try? TLV.decode(c.data), t.tag == 0x54 else { return ResponseAPDU(status: .wrongData) }
                offset = t.value.reduce(0) { $0 << 8 | Int($1) }
            } else if c.p1 & 0x80 != 0 {
                guard let f = files[c.p1 & 0x1F] else { return ResponseAPDU(status: .fileNotFound) }
                current = f
                offset = Int(c.p2)
            } else {
                offset = Int(c.p1) << 8 | Int(c.p2)
            }
            guard let f = current else { return ResponseAPDU(status: .commandNotAllowedNoEF) }
            let ne = c.ne ?? 256
            guard ne <= maxResponse else { return ResponseAPDU(status: .wrongLength) }
            guard offset <= f.count else { return ResponseAPDU(status: .wrongP1P2) }
            if answer6CFirst && offset + ne > f.count {
                answer6CFirst = false
                return ResponseAPDU(status: StatusWord(sw1: 0x6C, sw2: UInt8(f.count - offset)))
            }
            var n = min(ne, f.count - offset)
            // B1 answers wrap the data in DO'53': fit tag and length inside Ne.
            while c.ins == 0xB1 && n > 0 && TLV(tag: 0x53, value: [UInt8](repeating: 0, count: n)).encoded.count > ne {
                n -= 1
            }
            let data = Array(f[offset..<(offset + n)])
            let body = c.ins == 0xB1 ? TLV(tag: 0x53, value: data).encoded : data
            return ResponseAPDU(
                data: body,
                status: offset + n == f.count && body.count < ne ? .endOfFileReached : .success
            )
        default:
            return ResponseAPDU(status: .insNotSupported)
        }
    }
}

private func file(tag: UInt8, valueLength: Int) -> [UInt8] {
    TLV(tag: TLVTag(UInt32(tag)), value: (0..<valueLength).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).encoded
}

@Suite struct LDSFileReading {
    @Test func readsAWholeFileInTheMinimumNumberOfCommands() async throws {
        let dg2 = file(tag: 0x75, valueLength: 16_000)
        let card = FileCard(files: [2: dg2])
        var reader = LDSFileReader(channel: card, chunkSize: 223)
        let got = try await reader.readFile(fid: 0x0102, sfi: 2, name: "DG2")
        #expect(got == dg2)
        let minimum = (dg2.count + 222) / 223
        #expect(await card.commands.count == minimum)
        #expect(await card.commands.first?.p1 == 0x82)
    }

    @Test func readsWithoutShortEFIdentifierBySelectingFirst() async throws {
        let com = [UInt8](hex: "60145F0104303130365F36063034303030305C026175")
        let card = FileCard(files: [0x1E: com])
        var reader = LDSFileReader(channel: card, chunkSize: 223)
        #expect(try await reader.readFile(fid: 0x011E, sfi: nil, name: "COM") == com)
        #expect(await card.commands.map(\.ins) == [0xA4, 0xB0])
    }

    @Test func extendedLengthReadsALargeFileInOneCommand() async throws {
        let dg2 = file(tag: 0x75, valueLength: 18_000)
        let card = FileCard(files: [2: dg2], maxResponse: 65536)
        var reader = LDSFileReader(channel: card, chunkSize: 65_503)
        #expect(try await reader.readFile(fid: 0x0102, sfi: 2, name: "DG2") == dg2)
        #expect(await card.commands.count == 1)
    }

    @Test func offsetsPast32767UseOddINSB1() async throws {
        let big = file(tag: 0x75, valueLength: 40_000)
        let card = FileCard(files: [2: big], maxResponse: 4096)
        var reader = LDSFileReader(channel: card, chunkSize: 4000)
        #expect(try await reader.readFile(fid: 0x0102, sfi: 2, name: "DG2") == big)
        let ins = await card.commands.map(\.ins)
        #expect(ins.contains(0xB1))
        #expect(ins.firstIndex(of: 0xB1).map { ins[..<$0].allSatisfy { $0 == 0xB0 } } == true)
    }

    @Test func wrongLengthStepsDownAndRemembers() async throws {
        let dg13 = file(tag: 0x6D, valueLength: 900)
        let card = FileCard(files: [0x0D: dg13], maxResponse: 256)
        var reader = LDSFileReader(channel: card, chunkSize: 1000)
        #expect(try await reader.readFile(fid: 0x010D, sfi: 0x0D, name: "DG13") == dg13)
        #expect(reader.chunkSize <= 256)
    }

    @Test func sixCxxIsRetriedWithTheExactLength() async throws {
        let small = file(tag: 0x61, valueLength: 20)
        let card = FileCard(files: [1: small], answer6CFirst: true)
        var reader = LDSFileReader(channel: card, chunkSize: 223)
        #expect(try await reader.readFile(fid: 0x0101, sfi: 1, name: "DG1") == small)
        #expect(await card.commands.last?.ne == small.count)
    }

    @Test func protectedFileIsAccessDenied() async throws {
        struct Denying: CardChannel {
            func transmit(_ c: CommandAPDU) async throws -> ResponseAPDU {
                ResponseAPDU(status: .securityStatusNotSatisfied)
            }
        }
        var reader = LDSFileReader(channel: Denying(), chunkSize: 223)
        await #expect(throws: FileReadError.accessDenied("DG3")) {
            try await reader.readFile(fid: 0x0103, sfi: 3, name: "DG3")
        }
    }

    @Test func hostileLengthIsRefusedBeforeAllocating() async throws {
        let liar: [UInt8] = [0x75, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x00]
        let card = FileCard(files: [2: liar])
        var reader = LDSFileReader(channel: card, chunkSize: 223)
        await #expect(throws: FileReadError.tooLarge("DG2", bytes: 0x7FFF_FFFF + 6)) {
            try await reader.readFile(fid: 0x0102, sfi: 2, name: "DG2")
        }
    }

    @Test func fileShorterThanItsHeaderIsMalformed() async throws {
        let short: [UInt8] = [0x61, 0x20, 0x01, 0x02]
        let card = FileCard(files: [1: short])
        var reader = LDSFileReader(channel: card, chunkSize: 223)
        await #expect(throws: FileReadError.self) { try await reader.readFile(fid: 0x0101, sfi: 1, name: "DG1") }
    }

    @Test(arguments: [(256, 16, 223), (256, 8, 231), (65536, 16, 65503)])
    func secureMessagingPlaintextBudget(wire: Int, block: Int, expected: Int) {
        #expect(maxSecureMessagingPlaintext(wireLimit: wire, blockSize: block) == expected)
    }
}
