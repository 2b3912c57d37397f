/// Session keys and their cipher: what BAC, PACE or chip authentication hand to
/// `SecureMessagingChannel`. Never logged.
public struct SessionKeys: Sendable, Hashable {
    public let cipher: SecureMessagingCipher
    public let encryption: [UInt8]
    public let mac: [UInt8]

    public init(cipher: SecureMessagingCipher, encryption: [UInt8], mac: [UInt8]) {
        self.cipher = cipher
        self.encryption = encryption
        self.mac = mac
    }

    /// Derives KSenc and KSmac from a shared secret (ICAO 9303-11 §9.7.1, counters 1 and 2).
    public init(cipher: SecureMessagingCipher, sharedSecret: [UInt8]) throws(CryptoError) {
        self.init(
            cipher: cipher,
            encryption: try KeyDerivation.derive(sharedSecret, counter: .encryption, cipher: cipher),
            mac: try KeyDerivation.derive(sharedSecret, counter: .mac, cipher: cipher)
        )
    }
}
