import SmartCard
import Testing

@testable import MRTD

/// DG14 (ICAO 9303-11 §9.2.5, §9.2.6, §9.2.9) and DG15 (§6.1) parsing, and how chip
/// authentication picks its variant from DG14.
@Suite struct DG14Parsing {
    @Test(arguments: [(13, SecureMessagingCipher.aes128), (12, .aes256), (16, .aes192), (13, .tripleDES)])
    func encodedDG14GivesTheChipAuthenticationVariant(parameterId: Int, cipher: SecureMessagingCipher) throws {
        let curve = try ECCurve(parameterId: parameterId)
        let key = try curve.generateKeyPair().publicKey
        let dg14 = try DG14(
            DG14.encode(
                chipAuthenticationCipher: cipher,
                curve: curve,
                publicKey: key,
                activeAuthenticationHash: .sha256
            )
        )
        let p = try #require(ChipAuthenticator.parameters(in: dg14))
        #expect(p.cipher == cipher && p.keyAgreement == .ecdh)
        #expect(p.publicKey.publicKey == key && p.publicKey.parameterId == parameterId)
        #expect(p.protocolOID == ChipAuthenticator.protocolOID(keyAgreement: .ecdh, cipher: cipher))
        #expect(dg14.activeAuthenticationSignatureAlgorithm == "0.4.0.127.0.7.1.1.4.1.3")
    }

    @Test func theCCCDOIDIsCAECDHAES128() throws {
        // CA-ECDH-AES-CBC-CMAC-128 as EF.CardAccess lists it on CCCD cards (docs/design.md §4).
        #expect(ChipAuthenticator.protocolOID(keyAgreement: .ecdh, cipher: .aes128) == "0.4.0.127.0.7.2.2.3.2.2")
        #expect(
            try ChipAuthenticator.mechanismReference(protocolOID: "0.4.0.127.0.7.2.2.3.2.2") == [
                0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02,
            ]
        )
    }

    @Test func explicitDomainParametersOfAKnownCurveAreRecognised() throws {
        for id in [12, 13, 15] {
            let curve = try ECCurve(parameterId: id)
            let key = try curve.generateKeyPair().publicKey
            let dg14 = try DG14(
                DG14.encode(chipAuthenticationCipher: .aes128, curve: curve, publicKey: key, explicitParameters: true)
            )
            let p = try #require(ChipAuthenticator.parameters(in: dg14))
            #expect(p.publicKey.parameterId == nil)
            #expect(ECCurve.from(algorithmParameters: p.publicKey.algorithmParameters)?.parameterId == id)
        }
    }

    @Test func unknownExplicitParametersAreNotACurve() throws {
        let curve = try ECCurve(parameterId: 13)
        var explicit = try curve.explicitParametersDER()
        #expect(ECCurve.from(algorithmParameters: explicit)?.parameterId == 13)
        // Change the last byte of the prime: no standardized curve has it.
        let prime = try curve.curveParameters().p
        let start = try #require(
            (0...(explicit.count - prime.count)).first { Array(explicit[$0..<($0 + prime.count)]) == prime }
        )
        explicit[start + prime.count - 1] ^= 0x02
        #expect(ECCurve.from(algorithmParameters: explicit) == nil)
        #expect(ECCurve.from(algorithmParameters: [0x30, 0x00]) == nil)
        #expect(ECCurve.from(algorithmParameters: nil) == nil)
    }

    @Test func aLoneKeyWithoutChipAuthenticationInfoImplies3DES() throws {
        let curve = try ECCurve(parameterId: 13)
        let full = try DG14(
            DG14.encode(
                chipAuthenticationCipher: .aes128,
                curve: curve,
                publicKey: try curve.generateKeyPair().publicKey
            )
        )
        let keyOnly = DG14(
            securityInfos: SecurityInfos(
                infos: full.securityInfos.infos.filter {
                    if case .chipAuthentication = $0 { return false } else { return true }
                }
            )
        )
        let p = try #require(ChipAuthenticator.parameters(in: keyOnly))
        #expect(p.cipher == .tripleDES && p.keyAgreement == .ecdh)
    }

    @Test func noChipAuthenticationInDG14IsNotSupported() throws {
        // Only an ActiveAuthenticationInfo.
        let set = TLV(
            tag: 0x31,
            children: [
                TLV(
                    tag: 0x30,
                    children: [
                        TLV(tag: 0x06, value: [0x67, 0x81, 0x08, 0x01, 0x01, 0x05]), TLV(tag: 0x02, value: [1]),
                        TLV(tag: 0x06, value: [0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01, 0x03]),
                    ]
                )
            ]
        )
        let dg14 = try DG14(DG14.encode(securityInfos: set.encoded))
        #expect(ChipAuthenticator.parameters(in: dg14) == nil)
        #expect(dg14.activeAuthenticationSignatureAlgorithm == "0.4.0.127.0.7.1.1.4.1.3")
    }

    @Test func hostileDG14Throws() throws {
        let curve = try ECCurve(parameterId: 13)
        let good = try DG14.encode(
            chipAuthenticationCipher: .aes128,
            curve: curve,
            publicKey: try curve.generateKeyPair().publicKey,
            activeAuthenticationHash: .sha256
        )
        for n in 0..<good.count {
            #expect(throws: LDSError.self) { _ = try DG14(good.prefix(n)) }
        }
        var wrongTag = good
        wrongTag[0] = 0x6F
        #expect(throws: LDSError.self) { _ = try DG14(wrongTag) }
        #expect(throws: LDSError.self) { _ = try DG14([0x6E, 0x02, 0x30, 0x00]) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var bytes = good
            bytes[Int.random(in: 2..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? DG14(bytes)  // must not trap
        }
    }
}

@Suite struct DG15Parsing {
    @Test func ecKeyByNameOrByExplicitKnownParameters() throws {
        let curve = try ECCurve(parameterId: 12)
        let point = try curve.generateKeyPair().publicKey
        for explicit in [false, true] {
            let dg15 = try DG15(
                DG15.encode(publicKey: try curve.subjectPublicKeyInfo(publicKey: point, explicitParameters: explicit))
            )
            #expect(dg15.algorithm == .ecdsa(parameterId: 12))
        }
    }

    @Test func rsaKey() throws {
        let key = try Crypto.generateRSAKeyPair(bits: 2048)
        let dg15 = try DG15(DG15.encode(publicKey: key.subjectPublicKeyInfo))
        #expect(dg15.algorithm == .rsa(modulusBits: 2048))
        #expect(dg15.subjectPublicKeyInfo == key.subjectPublicKeyInfo)
    }

    @Test func smallRSAKeysAndUnknownAlgorithmsAreUnsupported() throws {
        let small = try Crypto.generateRSAKeyPair(bits: 512)
        #expect(throws: LDSError.self) { _ = try DG15(DG15.encode(publicKey: small.subjectPublicKeyInfo)) }
        // id-dsa with no parameters and an empty key.
        let dsa = TLV(
            tag: 0x30,
            children: [
                TLV(tag: 0x30, children: [TLV(tag: 0x06, value: [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01])]),
                TLV(tag: 0x03, value: [0x00, 0x02, 0x01, 0x01]),
            ]
        )
        #expect(throws: LDSError.unsupported("DG15 key algorithm 1.2.840.10040.4.1")) {
            _ = try DG15(DG15.encode(publicKey: dsa.encoded))
        }
    }

    @Test func pointOffTheCurveAndUnknownParametersThrow() throws {
        let curve = try ECCurve(parameterId: 13)
        var point = try curve.generateKeyPair().publicKey
        point[point.count - 1] ^= 1
        let spki = try curve.subjectPublicKeyInfo(publicKey: try curve.generateKeyPair().publicKey)
        var bad = spki
        bad[bad.count - 1] ^= 1
        #expect(throws: LDSError.self) { _ = try DG15(DG15.encode(publicKey: bad)) }
        var unknownCurve = spki
        // The named-curve OID's last byte: 1.3.36.3.3.2.8.1.1.7 → …1.1.99.
        let oid: [UInt8] = [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07]
        let i = try #require((0...(spki.count - oid.count)).first { Array(spki[$0..<($0 + oid.count)]) == oid })
        unknownCurve[i + oid.count - 1] = 0x63
        #expect(throws: LDSError.self) { _ = try DG15(DG15.encode(publicKey: unknownCurve)) }
    }

    @Test func hostileDG15Throws() throws {
        let key = try Crypto.generateRSAKeyPair(bits: 1024)
        let ec = try Crypto.generateECKeyPair(parameterId: 13)
        for spki in [key.subjectPublicKeyInfo, ec.subjectPublicKeyInfo] {
            let good = DG15.encode(publicKey: spki)
            for n in 0..<good.count {
                #expect(throws: LDSError.self) { _ = try DG15(good.prefix(n)) }
            }
            #expect(throws: LDSError.self) { _ = try DG15([0x6E] + good.dropFirst()) }
            #expect(throws: LDSError.self) { _ = try DG15(DG15.encode(publicKey: spki + [0x00])) }
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<200 {
                var bytes = good
                bytes[Int.random(in: 2..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                _ = try? DG15(bytes)  // must not trap
            }
        }
    }
}

@Suite struct ChipAuthenticationVariantChoice {
    @Test func dg14KeyWithoutInfoTakesTheVariantEFCardAccessLists() throws {
        let curve = try ECCurve(parameterId: 13)
        let full = try DG14(
            DG14.encode(
                chipAuthenticationCipher: .aes128,
                curve: curve,
                publicKey: try curve.generateKeyPair().publicKey
            )
        )
        let keyOnly = DG14(
            securityInfos: SecurityInfos(
                infos: full.securityInfos.infos.filter {
                    if case .chipAuthentication = $0 { return false } else { return true }
                }
            )
        )
        // EF.CardAccess as seen on CCCD cards (docs/design.md §4): TA v1, CA-ECDH-AES-CBC-CMAC-128 v1, PACE.
        let cardAccess = try SecurityInfos(
            derEncoded: [UInt8](
                hex:
                    "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"
            )
        )
        let p = try #require(ChipAuthenticator.parameters(in: keyOnly, cardAccess: cardAccess))
        #expect(p.cipher == .aes128 && p.protocolOID == "0.4.0.127.0.7.2.2.3.2.2")
        // DG14's own ChipAuthenticationInfo wins over EF.CardAccess.
        let own = try DG14(
            DG14.encode(
                chipAuthenticationCipher: .aes256,
                curve: curve,
                publicKey: try curve.generateKeyPair().publicKey
            )
        )
        #expect(ChipAuthenticator.parameters(in: own, cardAccess: cardAccess)?.cipher == .aes256)
    }
}
