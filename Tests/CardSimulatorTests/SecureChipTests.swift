import MRTD
import SmartCard
import Testing

@testable import CardSimulator

/// Terminal (MRTD) ↔ simulated chip (SecureChip) in process, through `SimulatedCardChannel`.
@Suite struct SecureChipRoundTrips {
    static let cardAccess = [UInt8](
        hex:
            "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"
    )
    static let dg1 = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    static let mrz = AccessKey.mrz(documentNumber: "099012345", dateOfBirth: "990315", dateOfExpiry: "391231")

    static func chip(parameterId: Int = 13, cipher: SecureMessagingCipher = .aes128) -> SecureChip {
        SecureChip(
            inner: MemoryCard(files: [0x011C: cardAccess, 0x0101: dg1]),
            configuration: .init(can: "012345", mrz: mrz, paceParameterId: parameterId, paceCipher: cipher)
        )
    }

    /// Reads a whole file with READ BINARY in chunks that fit a short protected response.
    static func read(_ fid: [UInt8], over channel: SecureMessagingChannel, length: Int) async throws -> [UInt8] {
        try await channel.transmitChecked(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: fid), step: "SELECT")
        var out: [UInt8] = []
        while out.count < length {
            let n = min(channel.cipher.maxShortReadLength, length - out.count)
            let r = try await channel.transmit(
                CommandAPDU(ins: 0xB0, p1: UInt8(out.count >> 8), p2: UInt8(out.count & 0xFF), ne: n)
            )
            guard r.status.isSuccess || r.status == .endOfFileReached, !r.data.isEmpty else { break }
            out += r.data
        }
        return out
    }

    @Test(arguments: [
        (13, SecureMessagingCipher.aes128), (12, .aes256), (16, .aes256), (13, .tripleDES), (18, .aes192), (8, .aes128),
    ])
    func paceWithCANThenSecureRead(parameterId: Int, cipher: SecureMessagingCipher) async throws {
        let chip = Self.chip(parameterId: parameterId, cipher: cipher)
        let card = SimulatedCardChannel(card: chip)
        _ = await chip.powerOn()
        let secure = try await PACE.establish(
            over: card,
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: cipher, parameterId: parameterId)
        )
        #expect(secure.cipher == cipher)
        #expect(try await Self.read([0x01, 0x01], over: secure, length: Self.dg1.count) == Self.dg1)
        #expect(await secure.ssc.count == cipher.blockSize)
        #expect(await chip.hasSession)
    }

    @Test func paceWithMRZPassword() async throws {
        let chip = Self.chip()
        let secure = try await PACE.establish(
            over: SimulatedCardChannel(card: chip),
            key: Self.mrz,
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        )
        #expect(try await Self.read([0x01, 0x01], over: secure, length: 300) == Array(Self.dg1.prefix(300)))
    }

    @Test func bacThenSecureRead() async throws {
        let chip = Self.chip()
        let secure = try await BAC.establish(over: SimulatedCardChannel(card: chip), key: Self.mrz)
        #expect(secure.cipher == .tripleDES)
        #expect(try await Self.read([0x01, 0x01], over: secure, length: Self.dg1.count) == Self.dg1)
    }

    @Test func bacWithWrongMRZIsWrongKey() async throws {
        let chip = Self.chip()
        let wrong = AccessKey.mrz(documentNumber: "099012345", dateOfBirth: "990316", dateOfExpiry: "391231")
        await #expect(throws: AccessError.wrongKey) {
            _ = try await BAC.establish(over: SimulatedCardChannel(card: chip), key: wrong)
        }
        #expect(await !chip.hasSession)
    }

    @Test func wrongCANIsWrongKeyAndTheNextCorrectAttemptWorks() async throws {
        let chip = Self.chip()
        let card = SimulatedCardChannel(card: chip)
        let info = PACEInfo.ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        await #expect(throws: AccessError.wrongKey) {
            _ = try await PACE.establish(over: card, key: .can("999999"), info: info)
        }
        #expect(await !chip.hasSession)
        let secure = try await PACE.establish(over: card, key: .can("012345"), info: info)
        #expect(try await Self.read([0x01, 0x01], over: secure, length: 10) == Array(Self.dg1.prefix(10)))
    }

    @Test func tamperedResponseMACBreaksTheSession() async throws {
        let tamper = TamperingCard(inner: Self.chip())
        let secure = try await PACE.establish(
            over: SimulatedCardChannel(card: tamper),
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        )
        try await secure.transmitChecked(
            CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x01]),
            step: "SELECT"
        )
        await tamper.arm()
        await #expect(throws: SecureMessagingError.badMAC) {
            _ = try await secure.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 16))
        }
        #expect(await secure.isBroken)
        await #expect(throws: SecureMessagingError.sessionBroken) {
            _ = try await secure.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 16))
        }
    }

    @Test func badCommandMACAnswers6988AndDropsTheSession() async throws {
        let chip = Self.chip()
        let card = SimulatedCardChannel(card: chip)
        let secure = try await PACE.establish(
            over: card,
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        )
        _ = secure
        // A protected-looking command with a MAC from nowhere.
        let forged = CommandAPDU(
            cla: 0x0C,
            ins: 0xB0,
            p1: 0,
            p2: 0,
            data: [0x97, 0x01, 0x10, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8],
            ne: 256
        )
        let answer = try await card.transmit(forged)
        #expect(answer.status == .smDataObjectsIncorrect)
        #expect(await !chip.hasSession)
    }

    @Test func beforeAccessControlOnlyTheApplicationAndCardAccessAreReachable() async throws {
        let card = SimulatedCardChannel(card: Self.chip())
        let aid = try await card.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: SecureChip.emrtdAID))
        #expect(aid.status == .success)
        let bySFI = try await card.transmit(CommandAPDU(ins: 0xB0, p1: 0x9C, p2: 0, ne: 256))
        #expect(bySFI.data == Self.cardAccess)
        let select = try await card.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1C]))
        #expect(select.status == .success)
        let read = try await card.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 4))
        #expect(read.data == Array(Self.cardAccess.prefix(4)))
        let dg1 = try await card.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x01]))
        #expect(dg1.status == .securityStatusNotSatisfied)
        let dg1BySFI = try await card.transmit(CommandAPDU(ins: 0xB0, p1: 0x81, p2: 0, ne: 4))
        #expect(dg1BySFI.status == .securityStatusNotSatisfied)
        let infos = try SecurityInfos(derEncoded: bySFI.data)
        #expect(infos.paceInfos.first == PACEInfo.ecdhGenericMapping(cipher: .aes128, parameterId: 13))
    }
}

@Suite struct SecureChipDetails {
    @Test func defaultConfigurationWritesTheCCCDCardAccess() throws {
        let config = SecureChip.Configuration(can: "012345")
        #expect(config.efCardAccess == SecureChipRoundTrips.cardAccess)
        let p384 = SecureChip.Configuration(can: "012345", paceParameterId: 16, paceCipher: .aes256)
        #expect(
            try SecurityInfos(derEncoded: p384.efCardAccess).paceInfos == [
                .ecdhGenericMapping(cipher: .aes256, parameterId: 16)
            ]
        )
    }

    @Test func extendedLengthReadInOneAPDU() async throws {
        let chip = SecureChipRoundTrips.chip()
        let secure = try await PACE.establish(
            over: SimulatedCardChannel(card: chip),
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        )
        try await secure.transmitChecked(
            CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x01]),
            step: "SELECT"
        )
        let r = try await secure.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 600))
        #expect(r.status == .success)
        #expect(r.data == SecureChipRoundTrips.dg1)
        #expect(await secure.ssc.last == 4)
    }

    @Test func protectedErrorStatusKeepsTheSession() async throws {
        let chip = SecureChipRoundTrips.chip()
        let secure = try await PACE.establish(
            over: SimulatedCardChannel(card: chip),
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        )
        let missing = try await secure.transmit(CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x0F]))
        #expect(missing.status == .fileNotFound)
        #expect(
            try await SecureChipRoundTrips.read([0x01, 0x01], over: secure, length: 8)
                == Array(SecureChipRoundTrips.dg1.prefix(8))
        )
    }

    @Test func pacelessChipRefusesPACEButBACWorks() async throws {
        let chip = SecureChip(
            inner: MemoryCard(files: [0x0101: [1, 2, 3]]),
            configuration: .init(can: "012345", mrz: SecureChipRoundTrips.mrz, supportsPACE: false)
        )
        let card = SimulatedCardChannel(card: chip)
        await #expect(throws: AccessError.self) {
            _ = try await PACE.establish(
                over: card,
                key: .can("012345"),
                info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
            )
        }
        let secure = try await BAC.establish(over: card, key: SecureChipRoundTrips.mrz)
        #expect(try await SecureChipRoundTrips.read([0x01, 0x01], over: secure, length: 3) == [1, 2, 3])
    }

    @Test func randomBytesNeverTrapTheChip() async throws {
        let chip = SecureChipRoundTrips.chip()
        _ = try await PACE.establish(
            over: SimulatedCardChannel(card: chip),
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13)
        )
        var g = SystemRandomNumberGenerator()
        for i in 0..<3000 {
            let n = Int.random(in: 0..<80, using: &g)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
            if bytes.count >= 2 {
                bytes[0] = [0x00, 0x0C, 0x10][i % 3]
                bytes[1] = [0x22, 0x86, 0x84, 0x82, 0xA4, 0xB0][i % 6]
            }
            let answer = await chip.process(bytes: bytes)
            #expect(answer.count >= 2)
        }
    }
}
