import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-11 §9.2 SecurityInfos, with the EF.CardAccess seen on CCCD cards.
@Suite struct SecurityInfosParsing {
    static let cccd = [UInt8](
        hex:
            "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"
    )

    @Test func cccdCardAccessOffersTACAAndPACEOnBrainpoolP256() throws {
        let infos = try SecurityInfos(derEncoded: Self.cccd)
        #expect(infos.infos.count == 3)
        #expect(
            infos.terminalAuthenticationInfo
                == TerminalAuthenticationInfo(protocolOID: "0.4.0.127.0.7.2.2.2", version: 1)
        )
        #expect(
            infos.chipAuthenticationInfos == [
                ChipAuthenticationInfo(protocolOID: "0.4.0.127.0.7.2.2.3.2.2", version: 1, keyId: nil)
            ]
        )
        let pace = try #require(infos.paceInfos.first)
        #expect(pace.protocolOID == "0.4.0.127.0.7.2.2.4.2.2")
        #expect(pace.version == 2)
        #expect(pace.parameterId == 13)
        #expect(pace.mapping == .generic)
        #expect(pace.keyAgreement == .ecdh)
        #expect(pace.cipher == .aes128)
        #expect(pace == PACEInfo.ecdhGenericMapping(cipher: .aes128, parameterId: 13))
    }

    @Test func everyTruncationThrows() {
        for n in 0..<Self.cccd.count {
            #expect(throws: SecurityInfosError.self) { try SecurityInfos(derEncoded: Array(Self.cccd.prefix(n))) }
        }
    }

    @Test func hostileVariantsThrow() {
        var wrongOuterTag = Self.cccd
        wrongOuterTag[0] = 0x30
        var hugeLength = Self.cccd
        hugeLength[1] = 0x84
        let missingData = [UInt8](hex: "310a3008060604007f000702")
        let bigVersion = [UInt8](hex: "31173015060804007f00070202020209010203040506070809")
        for bad in [wrongOuterTag, hugeLength, missingData, bigVersion, Self.cccd + [0x00], [0x31, 0x80, 0x00, 0x00]] {
            #expect(throws: SecurityInfosError.self) { try SecurityInfos(derEncoded: bad) }
        }
    }

    @Test func unknownInfosAreKept() throws {
        // SEQUENCE { OID 2.23.137.1 (unknown), INTEGER 1 }
        let info = [UInt8](hex: "30080603678901020101")
        let parsed = try SecurityInfos(derEncoded: [0x31, UInt8(info.count)] + info)
        guard case .unknown(let u) = parsed.infos.first else {
            Issue.record("not unknown")
            return
        }
        #expect(u.encoded == info)
    }

    @Test func chipAuthenticationPublicKeyFromNamedCurve() throws {
        let curve = try ECCurve(parameterId: 13)
        let point = try curve.multiplyGenerator(by: [0x05])
        // SubjectPublicKeyInfo { { id-ecPublicKey, brainpoolP256r1 }, BIT STRING point }
        let alg = [UInt8](hex: "301406072a8648ce3d020106092b2403030208010107")
        let bit = [0x03, 0x42, 0x00] + point
        let spki = [0x30, UInt8(alg.count + bit.count)] + alg + bit
        let oid = [UInt8](hex: "060904007f000702020102")
        let seq = [0x30, UInt8(oid.count + spki.count)] + oid + spki
        let infos = try SecurityInfos(derEncoded: [0x31, UInt8(seq.count)] + seq)
        let pk = try #require(infos.chipAuthenticationPublicKeys.first)
        #expect(pk.parameterId == 13)
        #expect(pk.publicKey == point)
        #expect(pk.subjectPublicKeyInfo == spki)
        #expect(pk.algorithmOID == "1.2.840.10045.2.1")
    }

    @Test func preferredPACEInfoForTheCCCDIsGMOnBrainpoolP256() throws {
        let infos = try SecurityInfos(derEncoded: Self.cccd)
        #expect(PACE.preferredInfo(in: infos) == .ecdhGenericMapping(cipher: .aes128, parameterId: 13))
        let onlyIM = SecurityInfos(infos: [
            .pace(PACEInfo(protocolOID: "0.4.0.127.0.7.2.2.4.4.2", version: 2, parameterId: 13))
        ])
        #expect(PACE.preferredInfo(in: onlyIM) == nil)
    }
}
