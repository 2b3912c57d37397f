import CardSimulator
import SmartCard
import Testing

/// The simulated ISO 7816-4 card, in-process (no pcscd).
@Suite struct FileSystemCardBehaviour {
    static let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
    static let com: [UInt8] = [0x60, 0x16, 0x5F, 0x01, 0x04] + Array(repeating: 0x30, count: 19)
    static let big: [UInt8] = (0..<40000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    static let cardAccess: [UInt8] = [0x31, 0x14, 0x30, 0x12]

    func card(_ configuration: FileSystemCard.Configuration = .init()) -> FileSystemCard {
        FileSystemCard(
            masterFiles: [0x011C: Self.cardAccess],
            applications: [.init(aid: Self.aid, files: [0x011E: Self.com, 0x0102: Self.big])],
            configuration: configuration
        )
    }

    func send(_ card: FileSystemCard, _ hex: String) async -> ResponseAPDU {
        // Through bytes, as vpcd would carry it.
        (try? ResponseAPDU(bytes: await card.process(bytes: [UInt8](hex: hex)))) ?? ResponseAPDU(status: StatusWord(0))
    }

    @Test func atrHasValidTCK() async {
        let atr = await card().powerOn()
        #expect(Array(atr.prefix(4)) == [0x3B, 0x88, 0x80, 0x01])
        #expect(atr.count == 13)
        #expect(atr.dropFirst().reduce(0, ^) == 0)  // XOR of T0…TCK is zero
    }

    @Test func selectApplicationThenEFThenRead() async {
        let c = card()
        #expect(await send(c, "00A4040C07A0000002471001").status == .success)
        #expect(await send(c, "00A4020C02011E").status == .success)
        let r = await send(c, "00B0000004")
        #expect(r.status == .success)
        #expect(r.data == Array(Self.com.prefix(4)))
    }

    @Test func selectApplicationWithFCI() async {
        let r = await send(card(), "00A4040007A000000247100100")
        #expect(r.status == .success)
        #expect(r.data == [UInt8](hex: "6F09 8407A0000002471001"))
    }

    @Test func unknownApplicationAndFile() async {
        let c = card()
        #expect(await send(c, "00A4040C07A0000002471099").status == .fileNotFound)
        #expect(await send(c, "00A4040C07A0000002471001").status == .success)
        #expect(await send(c, "00A4020C020101").status == .fileNotFound)
    }

    @Test func selectMFAnswers6D00ByDefaultAndIsConfigurable() async {
        #expect(await send(card(), "00A4000C023F00").status == .insNotSupported)
        let open = card(.init(selectMFStatus: .success))
        #expect(await send(open, "00A4040C07A0000002471001").status == .success)
        #expect(await send(open, "00A4000C023F00").status == .success)
        #expect(await send(open, "00B09C0004").data == Self.cardAccess)  // back at MF level
    }

    @Test func readWithoutCurrentEF() async {
        let c = card()
        #expect(await send(c, "00A4040C07A0000002471001").status == .success)
        #expect(await send(c, "00B0000004").status == .commandNotAllowedNoEF)
    }

    @Test func readByShortFileIdentifier() async {
        let c = card()
        let access = await send(c, "00B09C0000")  // SFI 1C at MF level, Le 256
        #expect(access.data == Self.cardAccess)
        #expect(access.status == .endOfFileReached)
        #expect(await send(c, "00A4040C07A0000002471001").status == .success)
        let com = await send(c, "00B09E0205")  // SFI 1E, offset 2
        #expect(com.data == Array(Self.com[2..<7]))
        #expect(await send(c, "00B0000404").data == Array(Self.com[4..<8]))  // SFI selected the EF for later reads
        #expect(await send(c, "00B0810000").status == .fileNotFound)
    }

    @Test func endOfFileGivesRemainingBytesWith6282() async {
        let c = card()
        _ = await send(c, "00A4040C07A0000002471001")
        _ = await send(c, "00A4020C02011E")
        let r = await send(c, "00B0001400")  // offset 20 of 24, Le 256
        #expect(r.data == Array(Self.com[20...]))
        #expect(r.status == .endOfFileReached)
        let atEnd = await send(c, "00B0001804")
        #expect(atEnd.data.isEmpty)
        #expect(atEnd.status == .endOfFileReached)
        #expect(await send(c, "00B0001904").status == .wrongP1P2)
    }

    @Test func neIsHonoured() async {
        let c = card()
        _ = await send(c, "00A4040C07A0000002471001")
        _ = await send(c, "00A4020C020102")
        #expect(await send(c, "00B0000010").data.count == 16)
        #expect(await send(c, "00B0000000").data == Array(Self.big.prefix(256)))
    }

    @Test func extendedLengthOnShortOnlyCardIs6700() async {
        let c = card()
        _ = await send(c, "00A4040C07A0000002471001")
        _ = await send(c, "00A4020C020102")
        #expect(await send(c, "00B00000000400").status == .wrongLength)
    }

    @Test func extendedLengthCardReturnsUpToItsMaximum() async {
        let c = card(.init(maxResponseData: 65536))
        _ = await send(c, "00A4040C07A0000002471001")
        _ = await send(c, "00A4020C020102")
        let r = await send(c, "00B0000000 0400")
        #expect(r.status == .success)
        #expect(r.data == Array(Self.big.prefix(1024)))
        let all = await send(c, "00B0000000 0000")  // Le 65536: whole file, short of Ne
        #expect(all.data == Self.big)
        #expect(all.status == .endOfFileReached)
    }

    @Test func oddReadBinaryTakesOffsetInDO54AndWrapsInDO53() async {
        let c = card()
        _ = await send(c, "00A4040C07A0000002471001")
        _ = await send(c, "00A4020C020102")
        let r = await send(c, "00B10000 05 5403009000 00")  // offset 36864, Le 256
        #expect(r.status == .success)
        #expect(Array(r.data.prefix(3)) == [0x53, 0x81, 0xFD])  // 3-byte header + 253 data = 256
        #expect(Array(r.data.dropFirst(3)) == Array(Self.big[36864..<(36864 + 253)]))
        let tail = await send(c, "00B10000 05 5403009C36 00")  // offset 39990: 10 bytes left
        #expect(tail.data == [0x53, 0x0A] + Array(Self.big[39990...]))
        #expect(tail.status == .endOfFileReached)
        #expect(await send(c, "00B10000 05 540300A000 00").status == .wrongP1P2)
        #expect(await send(c, "00B10000 03 5301 00 00").status == .wrongData)
    }

    @Test func latencyIsApplied() async {
        let c = card(.init(latency: .milliseconds(30)))
        let start = ContinuousClock.now
        _ = await send(c, "00A4040C07A0000002471001")
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    @Test func malformedAndUnknownCommands() async {
        let c = card()
        #expect(await send(c, "00B0").status == .wrongLength)
        #expect(await send(c, "0084000008").status == .insNotSupported)
        #expect(await send(c, "00A4050C00").status == .incorrectP1P2)
    }

    @Test func powerOnResetsSelection() async {
        let c = card()
        _ = await send(c, "00A4040C07A0000002471001")
        _ = await send(c, "00A4020C02011E")
        _ = await c.powerOn()
        #expect(await send(c, "00B0000004").status == .commandNotAllowedNoEF)
    }
}
