import SmartCard

/// Basic Access Control (ICAO 9303-11 §4.3, worked example in Appendix D): mutual
/// authentication with keys from the MRZ, then 3DES secure messaging.
public enum BAC {
    /// Terminal randomness, injectable so Appendix D can be replayed byte for byte.
    public struct TerminalRandom: Sendable {
        public var rndIFD: [UInt8]
        public var kIFD: [UInt8]
        public init(rndIFD: [UInt8], kIFD: [UInt8]) {
            self.rndIFD = rndIFD
            self.kIFD = kIFD
        }
        public static func generate() throws(CryptoError) -> TerminalRandom {
            TerminalRandom(rndIFD: try Crypto.randomBytes(8), kIFD: try Crypto.randomBytes(16))
        }
    }

    /// The BAC keys Kenc/Kmac from the MRZ information (§9.7.2, Appendix D.2).
    public static func keys(for key: AccessKey) throws -> SessionKeys {
        guard let mrz = key.mrzInformation else {
            throw AccessError.unsupported("BAC needs the MRZ (document number, birth and expiry dates), not a CAN")
        }
        return try SessionKeys(cipher: .tripleDES, sharedSecret: KeyDerivation.bacKeySeed(mrzInformation: mrz))
    }

    /// Runs GET CHALLENGE and EXTERNAL AUTHENTICATE (§4.3.3) and returns the secure channel.
    /// A refused EXTERNAL AUTHENTICATE (6300, 63Cx, 6982) is `AccessError.wrongKey`.
    public static func establish(
        over channel: some CardChannel,
        key: AccessKey,
        random: TerminalRandom? = nil
    ) async throws -> SecureMessagingChannel {
        let keys = try keys(for: key)
        let terminal = try random ?? .generate()
        guard terminal.rndIFD.count == 8, terminal.kIFD.count == 16 else {
            throw AccessError.protocolFailure(step: "BAC", reason: "bad terminal random lengths")
        }

        let challenge = try await channel.transmit(CommandAPDU(.getChallenge, ne: 8))
        if challenge.status == .insNotSupported || challenge.status == .functionNotSupported {
            throw AccessError.unsupported("the chip does not offer BAC (\(challenge.status))")
        }
        guard challenge.status.isSuccess else {
            throw AccessError.protocolFailure(step: "GET CHALLENGE", reason: "card answered \(challenge.status)")
        }
        guard challenge.data.count == 8 else {
            throw AccessError.protocolFailure(step: "GET CHALLENGE", reason: "challenge is not 8 bytes")
        }
        let rndIC = challenge.data

        let s = terminal.rndIFD + rndIC + terminal.kIFD
        let eIFD = try Crypto.tripleDES(encrypt: true, key: keys.encryption, s)
        let mIFD = try Crypto.retailMAC(key: keys.mac, eIFD)
        let answer = try await channel.transmit(CommandAPDU(.externalAuthenticate, data: eIFD + mIFD, ne: 40))
        if answer.status.sw1 == 0x63 || answer.status == .securityStatusNotSatisfied {
            throw AccessError.wrongKey
        }
        guard answer.status.isSuccess else {
            throw AccessError.protocolFailure(step: "EXTERNAL AUTHENTICATE", reason: "card answered \(answer.status)")
        }
        guard answer.data.count == 40 else {
            throw AccessError.protocolFailure(step: "EXTERNAL AUTHENTICATE", reason: "answer is not 40 bytes")
        }
        let eIC = Array(answer.data[0..<32])
        let mIC = Array(answer.data[32..<40])
        guard constantTimeEqual(try Crypto.retailMAC(key: keys.mac, eIC), mIC) else { throw AccessError.wrongKey }
        let r = try Crypto.tripleDES(encrypt: false, key: keys.encryption, eIC)
        guard Array(r[0..<8]) == rndIC, Array(r[8..<16]) == terminal.rndIFD else {
            throw AccessError.protocolFailure(step: "EXTERNAL AUTHENTICATE", reason: "nonces do not match")
        }
        let kIC = Array(r[16..<32])
        let seed = zip(terminal.kIFD, kIC).map { $0 ^ $1 }
        let session = try SessionKeys(cipher: .tripleDES, sharedSecret: seed)
        let ssc = Array(rndIC[4..<8]) + Array(terminal.rndIFD[4..<8])
        accessLogger.debug("BAC established", metadata: ["cipher": "\(session.cipher)"])
        return SecureMessagingChannel(wrapping: channel, keys: session, ssc: ssc)
    }
}
