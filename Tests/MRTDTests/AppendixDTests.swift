import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-11 Appendix D: BAC worked example, byte for byte.
@Suite struct AppendixD {
    static let key = AccessKey.mrz(documentNumber: "L898902C", dateOfBirth: "690806", dateOfExpiry: "940623")

    @Test func d2KeyDerivationFromMRZInformation() throws {
        let v = try Vectors.section("bac_key_derivation_D2")
        #expect(Self.key.mrzInformation == (try Vectors.string(v, "mrz_information")))
        #expect(
            try Crypto.hash(.sha1, Array(Vectors.string(v, "mrz_information").utf8))
                == (try Vectors.bytes(v, "sha1_of_mrz_information"))
        )
        let seed = try KeyDerivation.bacKeySeed(mrzInformation: Vectors.string(v, "mrz_information"))
        #expect(seed == (try Vectors.bytes(v, "k_seed")))
        let keys = try BAC.keys(for: Self.key)
        #expect(keys.encryption == (try Vectors.bytes(v, "k_enc")))
        #expect(keys.mac == (try Vectors.bytes(v, "k_mac")))
    }

    @Test func d3MutualAuthenticationAndSessionKeys() async throws {
        let v = try Vectors.section("bac_mutual_authentication_D3")
        let eifd = try Vectors.bytes(v, "e_ifd")
        let mifd = try Vectors.bytes(v, "m_ifd")
        let card = ScriptedChannel([
            .init(
                expect: [try Vectors.bytes(v, "get_challenge")],
                reply: try Vectors.bytes(v, "rnd_ic") + [0x90, 0x00]
            ),
            .init(
                expect: [[0x00, 0x82, 0x00, 0x00, 0x28] + eifd + mifd + [0x28]],
                reply: try Vectors.bytes(v, "external_authenticate_response") + [0x90, 0x00]
            ),
        ])
        let random = BAC.TerminalRandom(rndIFD: try Vectors.bytes(v, "rnd_ifd"), kIFD: try Vectors.bytes(v, "k_ifd"))
        let channel = try await BAC.establish(over: card, key: Self.key, random: random)
        #expect(await channel.ssc == (try Vectors.bytes(v, "ssc")))
        #expect(channel.cipher == .tripleDES)
        let expectedKeys = try SessionKeys(cipher: .tripleDES, sharedSecret: Vectors.bytes(v, "ks_seed"))
        #expect(expectedKeys.encryption == (try Vectors.bytes(v, "ks_enc")))
        #expect(expectedKeys.mac == (try Vectors.bytes(v, "ks_mac")))
        #expect(
            zip(try Vectors.bytes(v, "k_ifd"), try Vectors.bytes(v, "k_ic")).map { $0 ^ $1 }
                == (try Vectors.bytes(v, "ks_seed"))
        )
        #expect(await card.remaining == 0)
    }

    @Test func d4SecureMessagingThreeAPDUs() async throws {
        let d3 = try Vectors.section("bac_mutual_authentication_D3")
        guard let apdus = Vectors.root["secure_messaging_D4"] as? [[String: Any]] else {
            throw Vectors.Missing(path: "D4")
        }
        let keys = SessionKeys(
            cipher: .tripleDES,
            encryption: try Vectors.bytes(d3, "ks_enc"),
            mac: try Vectors.bytes(d3, "ks_mac")
        )
        let steps = try apdus.map { a in
            ScriptedChannel.Step(
                expect: [try Vectors.bytes(a, "protected_command")],
                reply: try Vectors.bytes(a, "protected_response")
            )
        }
        let card = ScriptedChannel(steps)
        let channel = SecureMessagingChannel(wrapping: card, keys: keys, ssc: try Vectors.bytes(d3, "ssc"))
        let efCOM = try Vectors.bytes(Vectors.root, "ef_com_full")
        var offset = 0
        for a in apdus {
            let command = try CommandAPDU(bytes: try Vectors.bytes(a, "command"))
            let response = try await channel.transmit(command)
            #expect(response.status == .success)
            #expect(await channel.ssc == (try Vectors.bytes(a, "ssc_after")))
            if let plain = a["plain_response_data"] as? String {
                #expect(response.data.hex == plain)
            }
            if command.ins == 0xB0 {
                #expect(response.data == Array(efCOM[offset..<(offset + response.data.count)]))
                offset += response.data.count
            }
        }
        #expect(offset == efCOM.count)
    }

    @Test func retailMACAndParity() throws {
        // Appendix D.3: M_IFD = MAC(Kmac, E_IFD).
        let d2 = try Vectors.section("bac_key_derivation_D2")
        let d3 = try Vectors.section("bac_mutual_authentication_D3")
        #expect(
            try Crypto.retailMAC(key: Vectors.bytes(d2, "k_mac"), Vectors.bytes(d3, "e_ifd"))
                == (try Vectors.bytes(d3, "m_ifd"))
        )
        #expect(KeyDerivation.adjustParity([0x00, 0x01, 0xFE, 0xFF]) == [0x01, 0x01, 0xFE, 0xFE])
    }
}
