import SmartCard
import Testing

@testable import MRTD

/// Chip authentication with an id-PK-DH key (ICAO 9303-11 §6.2): a scripted chip that speaks
/// secure messaging, answers MSE:Set KAT (3DES) or MSE:Set AT + GENERAL AUTHENTICATE (AES)
/// and switches keys like a real one. The group is RFC 5114 §2.1 (1024-bit MODP, 160-bit q).
@Suite struct ChipAuthenticationDH {
    /// X9.42 DomainParameters { p, g, q } of RFC 5114 §2.1, as OpenSSL encodes them.
    static let parameters = [UInt8](
        hex:
            "3082011f02818100b10b8f96a080e01dde92de5eae5d54ec52c99fbcfb06a3c69a6a9dca52d23b616073e28675a23d189838ef1e2ee652c013ecb4aea906112324975c3cd49b83bfaccbdd7d90c4bd7098488e9c219a73724effd6fae5644738faa31a4ff55bccc0a151af5f0dc8b4bd45bf37df365c1a65e68cfda76d4da708df1fb2bc2e4a437102818100a4d1cbd5c3fd34126765a442efb99905f8104dd258ac507fd6406cff14266d31266fea1e5c41564b777e690f5504f213160217b4b01b886a5e91547f9e2749f4d7fbd7d3b9a92ee1909d0d2263f80a76a6a24c087a091f531dbf0a0169b6a28ad662a4d18e73afa32d779d5918d08bc8858f4dcef97c2a24855e6eeb22b3b2e5021500f518aa8781a8df278aba4e7d64b7cb9d49462353"
    )
    static let group = DHGroup(algorithmOID: "1.2.840.10046.2.1", parameters: parameters)

    actor DHChip: CardChannel {
        var codec: SecureMessagingCodec
        var ssc: [UInt8]
        let group: DHGroup
        let privateKey: [UInt8]
        let cipher: SecureMessagingCipher
        private(set) var received: [UInt8] = []

        init(initial: SessionKeys, group: DHGroup, privateKey: [UInt8], cipher: SecureMessagingCipher) {
            codec = SecureMessagingCodec(keys: initial)
            ssc = [UInt8](repeating: 0, count: initial.cipher.blockSize)
            self.group = group
            self.privateKey = privateKey
            self.cipher = cipher
        }

        func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
            SecureMessagingCodec.increment(&ssc)
            guard let plain = try? codec.unprotect(command, ssc: ssc) else {
                return ResponseAPDU(status: StatusWord(0x6988))
            }
            var answer = ResponseAPDU(status: .success)
            var terminal: [UInt8]?
            switch (plain.ins, plain.p2) {
            case (0x22, 0xA6): terminal = try TLV.decodeSequence(plain.data).first { $0.tag == 0x91 }?.value
            case (0x22, _): break
            case (0x86, _):
                terminal = try TLV.decode(plain.data).child(0x80)?.value
                answer = ResponseAPDU(data: [0x7C, 0x00], status: .success)
            default: answer = ResponseAPDU(data: [0x6E], status: .success)
            }
            SecureMessagingCodec.increment(&ssc)
            let out = try codec.protect(answer, ssc: ssc)
            if let terminal {
                received = terminal
                let keys = try SessionKeys(
                    cipher: cipher,
                    sharedSecret: group.sharedSecret(privateKey: privateKey, peerPublicKey: terminal)
                )
                codec = SecureMessagingCodec(keys: keys)
                ssc = [UInt8](repeating: 0, count: cipher.blockSize)
            }
            return out
        }
    }

    static func dg14(cipherArc: UInt8, parameters: [UInt8], y: [UInt8]) -> DG14? {
        var yInteger = y
        if let first = yInteger.first, first & 0x80 != 0 { yInteger.insert(0, at: 0) }
        let spki = TLV(
            tag: 0x30,
            children: [
                TLV(
                    tag: 0x30,
                    value: TLV(tag: 0x06, value: [0x2A, 0x86, 0x48, 0xCE, 0x3E, 0x02, 0x01]).encoded + parameters
                ),
                TLV(tag: 0x03, value: [0x00] + TLV(tag: 0x02, value: yInteger).encoded),
            ]
        )
        let set = TLV(
            tag: 0x31,
            children: [
                TLV(
                    tag: 0x30,
                    children: [
                        TLV(tag: 0x06, value: [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x01, cipherArc]),
                        TLV(tag: 0x02, value: [1]),
                    ]
                ),
                TLV(
                    tag: 0x30,
                    children: [TLV(tag: 0x06, value: [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x01, 0x01]), spki]
                ),
            ]
        )
        return try? DG14(DG14.encode(securityInfos: set.encoded))
    }

    @Test(arguments: [(UInt8(1), SecureMessagingCipher.tripleDES), (2, .aes128), (4, .aes256)])
    func dhChipAuthenticationPassesAndSwitchesKeys(cipherArc: UInt8, cipher: SecureMessagingCipher) async throws {
        let group = try #require(Self.group)
        let chipKey = try group.generateKeyPair()
        let dg14 = try #require(Self.dg14(cipherArc: cipherArc, parameters: Self.parameters, y: chipKey.publicKey))
        let p = try #require(ChipAuthenticator.parameters(in: dg14))
        #expect(p.keyAgreement == .dh && p.cipher == cipher)
        let initial = try SessionKeys(cipher: .aes128, sharedSecret: [1, 2, 3])
        let chip = DHChip(initial: initial, group: group, privateKey: chipKey.privateKey, cipher: cipher)
        let result = try await ChipAuthenticator.run(
            over: SecureMessagingChannel(wrapping: chip, keys: initial),
            dg14: dg14
        )
        #expect(result.outcome == .passed)
        #expect(result.channel?.cipher == cipher)
        #expect(await chip.received.count == 128)
    }

    @Test func aDHKeyTheChipDoesNotHoldFails() async throws {
        let group = try #require(Self.group)
        let chipKey = try group.generateKeyPair()
        let published = try group.generateKeyPair().publicKey
        let dg14 = try #require(Self.dg14(cipherArc: 2, parameters: Self.parameters, y: published))
        let initial = try SessionKeys(cipher: .aes128, sharedSecret: [1, 2, 3])
        let chip = DHChip(initial: initial, group: group, privateKey: chipKey.privateKey, cipher: .aes128)
        let result = try await ChipAuthenticator.run(
            over: SecureMessagingChannel(wrapping: chip, keys: initial),
            dg14: dg14
        )
        guard case .failed = result.outcome else {
            Issue.record("got \(result.outcome)")
            return
        }
        #expect(result.channel == nil)
    }

    @Test func publicValuesOutsideTheSubgroupAndToyGroupsAreRefused() async throws {
        let group = try #require(Self.group)
        #expect(group.publicValue([0x02, 0x01, 0x01]) == nil)
        #expect(group.publicValue(group.p) == nil)
        #expect(group.publicValue([0x02]) == nil)  // 2 generates more than the q-subgroup here
        let y = try group.generateKeyPair().publicKey
        #expect(group.publicValue(y) == ECCurve.strip(y))
        // A 512-bit p is not a group we compute in.
        let toy = TLV(
            tag: 0x30,
            children: [TLV(tag: 0x02, value: [0x00] + [UInt8](repeating: 0xFF, count: 64)), TLV(tag: 0x02, value: [2])]
        )
        #expect(DHGroup(algorithmOID: "1.2.840.10046.2.1", parameters: toy.encoded) == nil)
        let dg14 = try #require(Self.dg14(cipherArc: 2, parameters: toy.encoded, y: [5]))
        let initial = try SessionKeys(cipher: .aes128, sharedSecret: [1, 2, 3])
        let chip = DHChip(initial: initial, group: group, privateKey: [3], cipher: .aes128)
        let result = try await ChipAuthenticator.run(
            over: SecureMessagingChannel(wrapping: chip, keys: initial),
            dg14: dg14
        )
        guard case .notPerformed = result.outcome else {
            Issue.record("got \(result.outcome)")
            return
        }
    }
}
