import SmartCard
import Testing

@testable import MRTD

/// Known-answer tests for the libcrypto facade (FIPS 180, FIPS 197, RFC 4493) and the EC layer.
@Suite struct CryptoFacade {
    @Test func hashesOfABC() throws {
        let abc = Array("abc".utf8)
        #expect(try Crypto.hash(.sha1, abc).hex == "A9993E364706816ABA3E25717850C26C9CD0D89D")
        #expect(try Crypto.hash(.sha224, abc).hex == "23097D223405D8228642A477BDA255B32AADBCE4BDA0B3F7E36C9DA7")
        #expect(try Crypto.hash(.sha256, abc).hex == "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
        #expect(try Crypto.hash(.sha384, abc).count == 48)
        #expect(try Crypto.hash(.sha512, abc).prefix(8).hex == "DDAF35A193617ABA")
    }

    @Test func aesFIPS197AndCBCRoundTrip() throws {
        let key = [UInt8](hex: "000102030405060708090A0B0C0D0E0F")
        let plain = [UInt8](hex: "00112233445566778899AABBCCDDEEFF")
        #expect(try Crypto.aesECB(encrypt: true, key: key, plain).hex == "69C4E0D86A7B0430D8CDB78070B4C55A")
        let key256 = [UInt8](hex: "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
        #expect(try Crypto.aesECB(encrypt: true, key: key256, plain).hex == "8EA2B7CA516745BFEAFC49904B496089")
        let data = Crypto.pad(Array("secure messaging".utf8), blockSize: 16)
        let iv = try Crypto.randomBytes(16)
        let enc = try Crypto.aesCBC(encrypt: true, key: key, iv: iv, data)
        #expect(try Crypto.aesCBC(encrypt: false, key: key, iv: iv, enc) == data)
        #expect(throws: CryptoError.notBlockAligned(3)) { try Crypto.aesCBC(encrypt: true, key: key, [1, 2, 3]) }
        #expect(throws: CryptoError.invalidKeyLength(5)) {
            try Crypto.aesCBC(encrypt: true, key: [1, 2, 3, 4, 5], data)
        }
    }

    @Test func aesCMACRFC4493() throws {
        let key = [UInt8](hex: "2B7E151628AED2A6ABF7158809CF4F3C")
        #expect(try Crypto.aesCMAC(key: key, []).hex == "BB1D6929E95937287FA37D129B756746")
        #expect(
            try Crypto.aesCMAC(key: key, [UInt8](hex: "6BC1BEE22E409F96E93D7E117393172A")).hex
                == "070A16B46B4D4144F79BDD9DD04A287C"
        )
    }

    @Test func paddingMethod2() throws {
        #expect(Crypto.pad([1, 2, 3], blockSize: 8) == [1, 2, 3, 0x80, 0, 0, 0, 0])
        #expect(Crypto.pad([], blockSize: 8) == [0x80, 0, 0, 0, 0, 0, 0, 0])
        #expect(try Crypto.unpad([1, 2, 0x80, 0]) == [1, 2])
        #expect(throws: CryptoError.badPadding) { try Crypto.unpad([1, 2, 0, 0]) }
        #expect(throws: CryptoError.badPadding) { try Crypto.unpad([]) }
    }

    @Test func keyDerivationUsesSHA256ForAES192And256() throws {
        let k = [UInt8](hex: "0102030405")
        let h = try Crypto.hash(.sha256, k + [0, 0, 0, 1])
        #expect(try KeyDerivation.derive(k, counter: .encryption, cipher: .aes256) == h)
        #expect(try KeyDerivation.derive(k, counter: .encryption, cipher: .aes192) == Array(h.prefix(24)))
        #expect(
            try KeyDerivation.derive(k, counter: .encryption, cipher: .aes128)
                == Array(try Crypto.hash(.sha1, k + [0, 0, 0, 1]).prefix(16))
        )
    }

    @Test(arguments: ECCurve.supportedParameterIds)
    func ecdhAgreesOnEveryICAOCurve(parameterId: Int) throws {
        let curve = try ECCurve(parameterId: parameterId)
        let a = try curve.generatePrivateKey()
        let b = try curve.generatePrivateKey()
        let pa = try curve.multiplyGenerator(by: a)
        let pb = try curve.multiplyGenerator(by: b)
        #expect(pa.count == 1 + 2 * curve.fieldSize)
        #expect(
            try curve.sharedSecret(privateKey: a, peerPublicKey: pb)
                == (try curve.sharedSecret(privateKey: b, peerPublicKey: pa))
        )
        // 2G = G + G
        #expect(try curve.multiplyGenerator(by: [2]) == (try curve.add(try curve.generator, try curve.generator)))
        var off = pa
        off[off.count - 1] ^= 1
        #expect(!curve.isValidPoint(off))
        #expect(throws: CryptoError.invalidPoint) { try curve.multiply(off, by: a) }
        #expect(throws: CryptoError.invalidScalar) { try curve.multiply(pa, by: [0]) }
        #expect(throws: CryptoError.invalidScalar) { try curve.multiply(pa, by: try curve.order) }
    }

    @Test func unknownCurveIsTyped() {
        #expect(throws: CryptoError.unsupportedCurve(7)) { try ECCurve(parameterId: 7) }
    }
}
