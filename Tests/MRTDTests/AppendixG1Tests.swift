import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-11 Appendix G.1: PACE ECDH generic mapping on brainpoolP256r1, AES-128, MRZ password.
@Suite struct AppendixG1 {
    static func vector() throws -> [String: Any] { try Vectors.section("pace_ecdh_gm_G1") }

    static func key(_ v: [String: Any]) throws -> AccessKey {
        .mrz(
            documentNumber: try Vectors.string(v, "mrz_document_number"),
            dateOfBirth: try Vectors.string(v, "mrz_date_of_birth"),
            dateOfExpiry: try Vectors.string(v, "mrz_date_of_expiry")
        )
    }

    @Test func passwordKeyNonceAndMappedGenerator() throws {
        let v = try Self.vector()
        let kPi = try PACE.passwordKey(Self.key(v), cipher: .aes128)
        #expect(kPi == (try Vectors.bytes(v, "k_pi")))
        let s = try PACE.cryptNonce(encrypt: false, key: kPi, cipher: .aes128, Vectors.bytes(v, "encrypted_nonce"))
        #expect(s == (try Vectors.bytes(v, "nonce_s")))

        let curve = try ECCurve(parameterId: 13)
        let chipMap = try curve.multiplyGenerator(by: Vectors.bytes(v, "chip_mapping_private_key"))
        let h = try curve.multiply(chipMap, by: Vectors.bytes(v, "terminal_mapping_private_key"))
        #expect(try curve.coordinates(h).x == (try Vectors.bytes(v, "mapping_shared_point_x")))
        let g = try PACE.mappedGenerator(curve: curve, nonce: s, sharedPoint: h)
        guard let mapped = v["mapped_generator"] as? [String] else { throw Vectors.Missing(path: "mapped_generator") }
        #expect(try curve.coordinates(g).x.hex == mapped[0])
        #expect(try curve.coordinates(g).y.hex == mapped[1])
    }

    @Test(arguments: [true, false])
    func everyAPDUOfTheTraceAndTheSessionKeys(sendParameterId: Bool) async throws {
        let v = try Self.vector()
        guard let apdus = v["apdus"] as? [[String: String]] else { throw Vectors.Missing(path: "apdus") }
        var steps: [ScriptedChannel.Step] = []
        for (i, a) in apdus.enumerated() {
            guard let c = a["command"].flatMap(Hex.decode), let r = a["response"].flatMap(Hex.decode) else {
                throw Vectors.Missing(path: "apdus[\(i)]")
            }
            var accepted = [c]
            if i == 0 {
                // MSE:Set AT with DO'84' 0D appended (Lc + 3).
                var with84 = c + [0x84, 0x01, 0x0D]
                with84[4] += 3
                accepted.append(with84)
            }
            steps.append(.init(expect: accepted, reply: r))
        }
        let card = ScriptedChannel(steps)
        let keys = PACE.EphemeralKeys(
            mappingPrivateKey: try Vectors.bytes(v, "terminal_mapping_private_key"),
            agreementPrivateKey: try Vectors.bytes(v, "terminal_ephemeral_private_key")
        )
        let channel = try await PACE.establish(
            over: card,
            key: Self.key(v),
            info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13),
            ephemeralKeys: keys,
            sendParameterId: sendParameterId
        )
        #expect(await card.remaining == 0)
        #expect(await channel.ssc == (try Vectors.bytes(v, "ssc_after")))
        #expect(channel.cipher == .aes128)

        // Session keys from the ECDH of the two ephemeral keys on the mapped generator.
        let curve = try ECCurve(parameterId: 13)
        let agreementAnswer = try #require(apdus[3]["response"].flatMap(Hex.decode))
        let chipEphemeral = try TLV.decode(agreementAnswer.dropLast(2)).require(0x84).value
        let shared = try curve.sharedSecret(
            privateKey: Vectors.bytes(v, "terminal_ephemeral_private_key"),
            peerPublicKey: chipEphemeral
        )
        let session = try SessionKeys(cipher: .aes128, sharedSecret: shared)
        #expect(session.encryption == (try Vectors.bytes(v, "ks_enc")))
        #expect(session.mac == (try Vectors.bytes(v, "ks_mac")))
    }

    @Test func refusedTokenIsWrongKey() async throws {
        let v = try Self.vector()
        guard let apdus = v["apdus"] as? [[String: String]] else { throw Vectors.Missing(path: "apdus") }
        var steps = try apdus.prefix(4).map { a -> ScriptedChannel.Step in
            let c = try #require(a["command"].flatMap(Hex.decode))
            var with84 = c + [0x84, 0x01, 0x0D]
            with84[4] += 3
            return .init(expect: [c, with84], reply: try #require(a["response"].flatMap(Hex.decode)))
        }
        steps.append(.init(expect: [try #require(apdus[4]["command"].flatMap(Hex.decode))], reply: [0x63, 0x00]))
        let keys = PACE.EphemeralKeys(
            mappingPrivateKey: try Vectors.bytes(v, "terminal_mapping_private_key"),
            agreementPrivateKey: try Vectors.bytes(v, "terminal_ephemeral_private_key")
        )
        await #expect(throws: AccessError.wrongKey) {
            _ = try await PACE.establish(
                over: ScriptedChannel(steps),
                key: Self.key(v),
                info: .ecdhGenericMapping(cipher: .aes128, parameterId: 13),
                ephemeralKeys: keys
            )
        }
    }

    @Test func unsupportedVariantsAreReportedAsSuch() async throws {
        let im = PACEInfo(protocolOID: "0.4.0.127.0.7.2.2.4.4.2", version: 2, parameterId: 13)
        await #expect(throws: AccessError.self) {
            _ = try await PACE.establish(over: ScriptedChannel([]), key: .can("123456"), info: im)
        }
        #expect(im.mapping == .integrated)
    }
}
