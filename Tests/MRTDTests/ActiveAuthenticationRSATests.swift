import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-11 §6.1.2: RSA active authentication, ISO/IEC 9796-2 scheme 1. The vectors were
/// made outside this code base (Python big integers, an RSA-1024 key from `openssl genrsa`):
/// F = 6A || M1 || H(M1 || challenge) || trailer, signature = F^d mod n.
@Suite struct ISO9796Scheme1Recovery {
    static let spki = [UInt8](
        hex: "30819f300d06092a864886f70d010101050003818d0030818902818100b36c871c81f07588b90e2f1440869c515827f0"
            + "e0f66d94ee048c2455c515c4c61e821a1c552f2bb3e9a86e1cf098ab733c0dae02e211c2edd5e42c1fad00af3e761af3"
            + "022086e0cb8ece3040f68a6d71014c5b0c0b26bbcf136b865bf52cce93645551438481e3200cd43fbde9518fa124c95f"
            + "26ff1a1922e8424c176cab36310203010001"
    )
    static let challenge = [UInt8](hex: "0102030405060708")
    static let sha1Signature = [UInt8](
        hex: "b0cff54af335a9a896196a0963731bb3ea1d7fa2477127500d741cec67f6abc8321023acedc46b0246d26b103a807262"
            + "676ceab406adba7eed5e923fd72ef74f6334907e9b1c3aafd9025bdafc564dea4df9d0711e65d1ad9ab8a0a6bc44861e"
            + "5a880af76516ce5339893942245b495ff44a605e02116c745d189c3befefc865"
    )
    static let sha1Representative = [UInt8](
        hex: "6a0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1"
            + "d6fb20456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769bc0e50a2f54799ec3e80d32577ca1"
            + "c6eb10355a7fa4c9ee1338e7a76a73a4f01a62b3f5322b9512159fc569cdcabc"
    )
    static let sha1M1 = [UInt8](
        hex: "0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1d6"
            + "fb20456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769bc0e50a2f54799ec3e80d32577ca1c6"
            + "eb10355a7fa4c9ee1338"
    )
    static let sha256Signature = [UInt8](
        hex: "9e2809ec2584ac632e16f1c9c393db7e73ba314575ecabe750be5b826b093aa94e98dc58e9cf8ec49b0d39357c50d8dc"
            + "0d372e2bb8aaa8a1b406cba50759ab08b7989f2d821131fa3f38f853031a16eb39c9c9f52facc8a68bce606bee25f187"
            + "27566d5edb13020aaf4fc2ae7d35617f2f60595550618a73ad0f33afa3ea5b8b"
    )
    static let sha256Representative = [UInt8](
        hex: "6a0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1"
            + "d6fb20456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769bc0e50a2f54799ec3e80d3257cc0b"
            + "a647c20fda338202fbf400b78360877ae87c37aa4ad5a49117ccaadc544134cc"
    )

    static var dg15: DG15 { get throws { try DG15(DG15.encode(publicKey: spki)) } }

    @Test func rawPublicOperationRecoversTheRepresentative() throws {
        #expect(try Crypto.rsaRawPublic(subjectPublicKeyInfo: Self.spki, Self.sha1Signature) == Self.sha1Representative)
        #expect(
            try Crypto.rsaRawPublic(subjectPublicKeyInfo: Self.spki, Self.sha256Signature) == Self.sha256Representative
        )
    }

    @Test func trailerBCIsSHA1AndRecoversM1() throws {
        #expect(Self.sha1Representative.last == 0xBC)
        #expect(
            try ISO9796Scheme1.verify(representative: Self.sha1Representative, challenge: Self.challenge) == Self.sha1M1
        )
    }

    @Test func trailer34CCIsSHA256() throws {
        #expect(Array(Self.sha256Representative.suffix(2)) == [0x34, 0xCC])
        let m1 = try ISO9796Scheme1.verify(representative: Self.sha256Representative, challenge: Self.challenge)
        #expect(m1.count == 128 - 1 - 32 - 2)
    }

    @Test func wrongChallengeIsAHashMismatch() {
        var other = Self.challenge
        other[7] ^= 1
        #expect(throws: ISO9796Scheme1.Failure.hashMismatch) {
            try ISO9796Scheme1.verify(representative: Self.sha1Representative, challenge: other)
        }
    }

    @Test func activeAuthenticationVerifiesTheChipsSignature() throws {
        let dg15 = try Self.dg15
        #expect(dg15.algorithm == .rsa(modulusBits: 1024))
        #expect(
            ActiveAuthenticator.verify(signature: Self.sha1Signature, challenge: Self.challenge, dg15: dg15, dg14: nil)
                == .passed
        )
        #expect(
            ActiveAuthenticator.verify(
                signature: Self.sha256Signature,
                challenge: Self.challenge,
                dg15: dg15,
                dg14: nil
            ) == .passed
        )
    }

    @Test func activeAuthenticationRejectsAWrongChallengeOrATamperedSignature() throws {
        let dg15 = try Self.dg15
        let wrong = ActiveAuthenticator.verify(
            signature: Self.sha1Signature,
            challenge: [UInt8](repeating: 0, count: 8),
            dg15: dg15,
            dg14: nil
        )
        guard case .failed(let reason) = wrong else {
            Issue.record("expected failed, got \(wrong)")
            return
        }
        #expect(reason.contains("hash"))
        var tampered = Self.sha1Signature
        tampered[40] ^= 0x10
        #expect(
            !ActiveAuthenticator.verify(signature: tampered, challenge: Self.challenge, dg15: dg15, dg14: nil).isPassed
        )
        // A value not below the modulus is no RSA signature.
        let tooBig = [UInt8](repeating: 0xFF, count: 128)
        #expect(
            !ActiveAuthenticator.verify(signature: tooBig, challenge: Self.challenge, dg15: dg15, dg14: nil).isPassed
        )
        #expect(!ActiveAuthenticator.verify(signature: [], challenge: Self.challenge, dg15: dg15, dg14: nil).isPassed)
    }

    @Test func badHeaderAndUnknownTrailerAreNamed() {
        var f = Self.sha1Representative
        f[0] = 0x4B
        #expect(throws: ISO9796Scheme1.Failure.header(0x4B)) {
            try ISO9796Scheme1.verify(representative: f, challenge: Self.challenge)
        }
        var g = Self.sha256Representative
        g[g.count - 2] = 0x31
        #expect(throws: ISO9796Scheme1.Failure.trailer([0x31, 0xCC])) {
            try ISO9796Scheme1.verify(representative: g, challenge: Self.challenge)
        }
        #expect(throws: ISO9796Scheme1.Failure.tooShort) {
            try ISO9796Scheme1.verify(representative: [0x6A, 0xBC], challenge: Self.challenge)
        }
    }

    @Test(arguments: [Crypto.Hash.sha1, .sha224, .sha256, .sha384, .sha512])
    func signingWithTheRawPrivateOperationRoundTrips(hash: Crypto.Hash) throws {
        let key = try Crypto.generateRSAKeyPair(bits: 1024)
        let m1 = try Crypto.randomBytes(
            ISO9796Scheme1.recoverableLength(modulusLength: 128, hash: hash, implicitTrailer: false)
        )
        let f = try ISO9796Scheme1.representative(
            length: 128,
            hash: hash,
            implicitTrailer: false,
            m1: m1,
            challenge: Self.challenge
        )
        let s = try Crypto.rsaRawPrivate(privateKey: key.privateKey, f)
        let dg15 = try DG15(DG15.encode(publicKey: key.subjectPublicKeyInfo))
        #expect(ActiveAuthenticator.verify(signature: s, challenge: Self.challenge, dg15: dg15, dg14: nil) == .passed)
    }
}
