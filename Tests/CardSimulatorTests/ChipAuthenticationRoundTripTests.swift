import MRTD
import SmartCard
import Testing

@testable import CardSimulator

/// Terminal (MRTD) ↔ simulated chip (SecureChip) in process: chip authentication (ICAO 9303-11
/// §6.2) and active authentication (§6.1) after PACE, and the forgeries `cancuoc sim --fault`
/// offers.
@Suite struct ChipAuthenticationRoundTrips {
    static let dg1 = TLV(tag: 0x61, value: [UInt8](repeating: 0x3C, count: 95)).encoded

    /// A chip whose file set carries `keys`' DG14 and DG15 (when given) and the chip that holds `holder`.
    static func chip(
        publishing keys: ChipKeys?,
        holding holder: ChipKeys?,
        paceCipher: SecureMessagingCipher = .aes128
    ) -> SecureChip {
        var configuration = SecureChip.Configuration(can: "012345", paceCipher: paceCipher, chipKeys: holder)
        var files: [UInt16: [UInt8]] = [0x0101: dg1]
        var listed: [DataGroupID] = [.dg1]
        if let keys {
            files[0x010E] = keys.dg14
            files[0x010F] = keys.dg15
            listed += [.dg14, .dg15]
        }
        files[0x011E] = EFCOM.encode(dataGroups: listed)
        configuration.chipKeys = holder
        files[0x011C] = configuration.efCardAccess
        return SecureChip(inner: MemoryCard(files: files), configuration: configuration)
    }

    static func open(_ chip: SecureChip, cipher: SecureMessagingCipher = .aes128) async throws -> SecureMessagingChannel
    {
        try await PACE.establish(
            over: SimulatedCardChannel(card: chip),
            key: .can("012345"),
            info: .ecdhGenericMapping(cipher: cipher, parameterId: 13)
        )
    }

    static func readDG1(over channel: SecureMessagingChannel) async throws -> [UInt8] {
        var reader = LDSFileReader(channel: channel, chunkSize: channel.cipher.maxShortReadLength)
        return try await reader.readFile(fid: 0x0101, sfi: 0x01, name: "DG1")
    }

    @Test(arguments: [
        (13, SecureMessagingCipher.aes128), (12, .aes256), (15, .aes192), (13, .tripleDES), (16, .tripleDES),
    ])
    func chipAuthenticationPassesAndTheReadContinuesUnderTheNewKeys(
        parameterId: Int,
        cipher: SecureMessagingCipher
    ) async throws {
        let keys = try ChipKeys.generate(caParameterId: parameterId, caCipher: cipher)
        let chip = Self.chip(publishing: keys, holding: keys)
        let pace = try await Self.open(chip)
        let result = try await ChipAuthenticator.run(over: pace, dg14: try DG14(keys.dg14))
        #expect(result.outcome == .passed)
        let next = try #require(result.channel)
        #expect(next.cipher == cipher)
        #expect(try await Self.readDG1(over: next) == Self.dg1)
        // The PACE session is over: its keys no longer open anything.
        await #expect(throws: SecureMessagingError.self) { _ = try await Self.readDG1(over: pace) }
    }

    @Test func explicitDomainParametersInDG14Work() async throws {
        let keys = try ChipKeys.generate(explicitParameters: true)
        let chip = Self.chip(publishing: keys, holding: keys)
        let result = try await ChipAuthenticator.run(over: try await Self.open(chip), dg14: try DG14(keys.dg14))
        #expect(result.outcome == .passed)
    }

    @Test func dg14WithAKeyTheChipDoesNotHoldFails() async throws {
        let keys = try ChipKeys.generate()
        let chip = Self.chip(publishing: try keys.forged(.dg14WrongKey), holding: keys)
        let result = try await ChipAuthenticator.run(
            over: try await Self.open(chip),
            dg14: try DG14(try keys.forged(.dg14WrongKey).dg14)
        )
        guard case .failed(let reason) = result.outcome else {
            Issue.record("got \(result.outcome)")
            return
        }
        #expect(reason.contains("does not hold"))
        #expect(result.channel == nil)
        #expect(await !chip.hasSession)
    }

    @Test func aChipWithoutKeysRefusesChipAuthentication() async throws {
        let keys = try ChipKeys.generate()
        let chip = Self.chip(publishing: keys, holding: nil)
        let pace = try await Self.open(chip)
        let result = try await ChipAuthenticator.run(over: pace, dg14: try DG14(keys.dg14))
        guard case .failed(let reason) = result.outcome else {
            Issue.record("got \(result.outcome)")
            return
        }
        #expect(reason.contains("refused"))
        // The chip refused before switching keys: the PACE session goes on.
        let same = try #require(result.channel)
        #expect(try await Self.readDG1(over: same) == Self.dg1)
    }

    @Test(arguments: ChipKeys.ActiveAuthenticationAlgorithm.allCases)
    func activeAuthenticationPassesAfterPACEAndAfterCA(algorithm: ChipKeys.ActiveAuthenticationAlgorithm) async throws {
        let keys = try ChipKeys.generate(aa: algorithm)
        let chip = Self.chip(publishing: keys, holding: keys)
        let pace = try await Self.open(chip)
        let dg14 = try DG14(keys.dg14)
        let dg15 = try DG15(keys.dg15)
        #expect(try await ActiveAuthenticator.run(over: pace, dg15: dg15, dg14: dg14) == .passed)
        let ca = try await ChipAuthenticator.run(over: pace, dg14: dg14)
        let next = try #require(ca.channel)
        #expect(try await ActiveAuthenticator.run(over: next, dg15: dg15, dg14: dg14) == .passed)
    }

    @Test(arguments: ChipKeys.ActiveAuthenticationAlgorithm.allCases)
    func dg15WithAKeyTheChipDoesNotHoldFails(algorithm: ChipKeys.ActiveAuthenticationAlgorithm) async throws {
        let keys = try ChipKeys.generate(aa: algorithm)
        let forged = try keys.forged(.dg15WrongKey)
        let chip = Self.chip(publishing: forged, holding: keys)
        let outcome = try await ActiveAuthenticator.run(
            over: try await Self.open(chip),
            dg15: try DG15(forged.dg15),
            dg14: try DG14(forged.dg14)
        )
        guard case .failed(let reason) = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        #expect(reason.contains("DG15"))
    }

    @Test func keysNeverAppearInTheirDescription() throws {
        let keys = try ChipKeys.generate(aa: .rsa2048)
        #expect(keys.description == "ChipKeys(CA-ECDH brainpoolP256r1 AES-128, AA rsa2048)")
        var dumped = ""
        dump(SecureChip.Configuration(can: "012345", chipKeys: keys), to: &dumped)
        #expect(!dumped.contains("caPrivateKey") && !dumped.contains("aaPrivateKey"))
    }
}

/// The reader's whole run (DocumentReader): CA after DG14, AA at the end, outcomes in ChipRead.
@Suite struct AuthenticationInDocumentReader {
    static func read(_ chip: SecureChip, alwaysAA: Bool = false) async throws -> ChipRead {
        var request = ReadRequest(key: .can("012345"))
        request.alwaysRunActiveAuthentication = alwaysAA
        return try await DocumentReader().read(over: SimulatedCardChannel(card: chip), request: request)
    }

    @Test func genuineChipPassesChipAuthenticationAndSkipsAA() async throws {
        let keys = try ChipKeys.generate()
        let read = try await Self.read(ChipAuthenticationRoundTrips.chip(publishing: keys, holding: keys))
        #expect(read.chipAuthentication == .passed)
        guard case .notPerformed = read.activeAuthentication else {
            Issue.record("got \(read.activeAuthentication)")
            return
        }
        #expect(read.files[.dg15] == keys.dg15 && read.files[.dg1] == ChipAuthenticationRoundTrips.dg1)
        // MSE:Set AT and GENERAL AUTHENTICATE; the next file's READ BINARY confirms the keys.
        #expect(read.stats.files.contains { $0.name == "ChipAuthentication" && $0.apdus == 2 })
    }

    @Test func bothWhenAsked() async throws {
        let keys = try ChipKeys.generate(aa: .rsa2048)
        let read = try await Self.read(
            ChipAuthenticationRoundTrips.chip(publishing: keys, holding: keys),
            alwaysAA: true
        )
        #expect(read.chipAuthentication == .passed)
        #expect(read.activeAuthentication == .passed)
    }

    @Test func forgedDG14FailsCAYetTheReadCompletesAndAARuns() async throws {
        let keys = try ChipKeys.generate()
        let read = try await Self.read(
            ChipAuthenticationRoundTrips.chip(publishing: try keys.forged(.dg14WrongKey), holding: keys)
        )
        guard case .failed = read.chipAuthentication else {
            Issue.record("got \(read.chipAuthentication)")
            return
        }
        // The chip was opened again; DG15 was read and AA (its key is genuine) passed.
        #expect(read.files[.dg15] == keys.dg15)
        #expect(read.activeAuthentication == .passed)
    }

    @Test func forgedDG15FailsAA() async throws {
        let keys = try ChipKeys.generate()
        let read = try await Self.read(
            ChipAuthenticationRoundTrips.chip(publishing: try keys.forged(.dg15WrongKey), holding: keys),
            alwaysAA: true
        )
        #expect(read.chipAuthentication == .passed)
        guard case .failed = read.activeAuthentication else {
            Issue.record("got \(read.activeAuthentication)")
            return
        }
    }

    @Test func afterBACChipAuthenticationUpgradesTo3DESOrAESSession() async throws {
        let mrz = AccessKey.mrz(documentNumber: "099012345", dateOfBirth: "990315", dateOfExpiry: "391231")
        let keys = try ChipKeys.generate(aa: .rsa2048)
        let configuration = SecureChip.Configuration(can: "012345", mrz: mrz, supportsPACE: false, chipKeys: keys)
        let files: [UInt16: [UInt8]] = [
            0x011E: EFCOM.encode(dataGroups: [.dg1, .dg14, .dg15]), 0x0101: ChipAuthenticationRoundTrips.dg1,
            0x010E: keys.dg14, 0x010F: keys.dg15,
        ]
        let chip = SecureChip(inner: MemoryCard(files: files), configuration: configuration)
        var request = ReadRequest(key: mrz)
        request.alwaysRunActiveAuthentication = true
        let read = try await DocumentReader().read(over: SimulatedCardChannel(card: chip), request: request)
        #expect(read.access.method == .bac)
        #expect(read.chipAuthentication == .passed)
        #expect(read.activeAuthentication == .passed)
        #expect(read.files[.dg15] == keys.dg15)
    }

    @Test func aChipWithoutDG14AndDG15SupportsNeither() async throws {
        let read = try await Self.read(ChipAuthenticationRoundTrips.chip(publishing: nil, holding: nil))
        #expect(read.chipAuthentication == .notSupported)
        #expect(read.activeAuthentication == .notSupported)
    }
}
