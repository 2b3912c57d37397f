import SmartCard
import Testing

@testable import MRTD

/// ICAO 9303-11 §6.1.3: ECDSA active authentication, plain signatures (TR-03111), the hash
/// named by DG14's ActiveAuthenticationInfo.
@Suite struct ActiveAuthenticationECDSA {
    static let challenge: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]

    /// A DG14 whose ActiveAuthenticationInfo names ecdsa-plain-<hash> (plus a CA key).
    static func dg14(hash: Crypto.Hash) throws -> DG14 {
        let curve = try ECCurve(parameterId: 13)
        return try DG14(
            DG14.encode(
                chipAuthenticationCipher: .aes128,
                curve: curve,
                publicKey: try curve.generateKeyPair().publicKey,
                activeAuthenticationHash: hash
            )
        )
    }

    @Test(arguments: [
        (12, Crypto.Hash.sha256), (13, .sha256), (15, .sha384), (10, .sha224), (16, .sha1), (18, .sha512),
    ])
    func plainSignatureVerifies(parameterId: Int, hash: Crypto.Hash) throws {
        let key = try Crypto.generateECKeyPair(parameterId: parameterId)
        let dg15 = try DG15(DG15.encode(publicKey: key.subjectPublicKeyInfo))
        #expect(dg15.algorithm == .ecdsa(parameterId: parameterId))
        let length = ECCurve.strip(try ECCurve(parameterId: parameterId).order).count
        let der = try Crypto.ecdsaSign(privateKey: key.privateKey, hash: hash, Self.challenge)
        let plain = try #require(ECDSASignature.plain(fromDER: der, length: length))
        let dg14 = try Self.dg14(hash: hash)
        #expect(
            ActiveAuthenticator.verify(signature: plain, challenge: Self.challenge, dg15: dg15, dg14: dg14) == .passed
        )
        // A DER signature is accepted too.
        #expect(
            ActiveAuthenticator.verify(signature: der, challenge: Self.challenge, dg15: dg15, dg14: dg14) == .passed
        )
        // Another challenge, or another hash, does not verify.
        #expect(
            !ActiveAuthenticator.verify(
                signature: plain,
                challenge: Array(Self.challenge.reversed()),
                dg15: dg15,
                dg14: dg14
            ).isPassed
        )
        let otherHash: Crypto.Hash = hash == .sha256 ? .sha384 : .sha256
        #expect(
            !ActiveAuthenticator.verify(
                signature: plain,
                challenge: Self.challenge,
                dg15: dg15,
                dg14: try Self.dg14(hash: otherHash)
            ).isPassed
        )
    }

    @Test func withoutActiveAuthenticationInfoECDSAIsNotPerformed() throws {
        let key = try Crypto.generateECKeyPair(parameterId: 12)
        let dg15 = try DG15(DG15.encode(publicKey: key.subjectPublicKeyInfo))
        let outcome = ActiveAuthenticator.verify(
            signature: [UInt8](repeating: 1, count: 64),
            challenge: Self.challenge,
            dg15: dg15,
            dg14: nil
        )
        guard case .notPerformed = outcome else {
            Issue.record("got \(outcome)")
            return
        }
    }

    @Test func plainAndDERConversionsRoundTripAndRejectJunk() {
        let plain: [UInt8] =
            [0x80] + [UInt8](repeating: 0, count: 30) + [1] + [0, 0, 0x7F] + [UInt8](repeating: 2, count: 29)
        let der = ECDSASignature.der(fromPlain: plain)
        #expect(der.flatMap { ECDSASignature.plain(fromDER: $0, length: 32) } == plain)
        #expect(ECDSASignature.der(fromPlain: [1, 2, 3]) == nil)
        #expect(ECDSASignature.plain(fromDER: [0x30, 0x03, 0x02, 0x01], length: 32) == nil)
        #expect(ECDSASignature.plain(fromDER: [0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 0x01], length: 32) == nil)
    }

    @Test(arguments: [
        "0.4.0.127.0.7.1.1.4.1.1", "0.4.0.127.0.7.1.1.4.1.3", "1.2.840.10045.4.3.2", "0.4.0.127.0.7.1.1.4.1.9",
    ])
    func signatureAlgorithmNamesTheHash(oid: String) {
        let expected: [String: Crypto.Hash] = [
            "0.4.0.127.0.7.1.1.4.1.1": .sha1, "0.4.0.127.0.7.1.1.4.1.3": .sha256, "1.2.840.10045.4.3.2": .sha256,
        ]
        #expect(AuthenticationOIDs.ecdsaHash(oid) == expected[oid])
    }
}

/// INTERNAL AUTHENTICATE on the wire (§6.1): the command, a refusal.
@Suite struct ActiveAuthenticationCommand {
    actor Answering: CardChannel {
        let answer: ResponseAPDU
        var sent: [CommandAPDU] = []
        init(_ answer: ResponseAPDU) { self.answer = answer }
        func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
            sent.append(command)
            return answer
        }
    }

    @Test func sendsTheChallengeWithLe256AndReportsARefusal() async throws {
        let key = try Crypto.generateRSAKeyPair(bits: 1024)
        let dg15 = try DG15(DG15.encode(publicKey: key.subjectPublicKeyInfo))
        let card = Answering(ResponseAPDU(status: .securityStatusNotSatisfied))
        let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let outcome = try await ActiveAuthenticator.run(over: card, dg15: dg15, dg14: nil, challenge: challenge)
        #expect(await card.sent.map(\.bytes) == [[0x00, 0x88, 0x00, 0x00, 0x08] + challenge + [0x00]])
        guard case .failed(let reason) = outcome else {
            Issue.record("got \(outcome)")
            return
        }
        #expect(reason.contains("INTERNAL AUTHENTICATE"))
    }

    @Test func aFreshChallengeEachRun() async throws {
        let key = try Crypto.generateRSAKeyPair(bits: 1024)
        let dg15 = try DG15(DG15.encode(publicKey: key.subjectPublicKeyInfo))
        let card = Answering(ResponseAPDU(data: [UInt8](repeating: 0x5A, count: 128), status: .success))
        #expect(try await !ActiveAuthenticator.run(over: card, dg15: dg15, dg14: nil).isPassed)
        #expect(try await !ActiveAuthenticator.run(over: card, dg15: dg15, dg14: nil).isPassed)
        let sent = await card.sent
        #expect(sent.count == 2 && sent[0].data.count == 8 && sent[0].data != sent[1].data)
    }
}
