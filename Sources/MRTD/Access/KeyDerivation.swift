/// The key derivation function of ICAO 9303-11 §9.7.1: KDF(K, c) = H(K || c) with c a 32-bit
/// big-endian counter, truncated to the key length. H is SHA-1 for 3DES and AES-128, SHA-256
/// for AES-192/256; 3DES keys get their DES parity bits adjusted.
public enum KeyDerivation {
    /// The counter c: 1 for KSenc, 2 for KSmac, 3 for the PACE password key K_π (§9.7.3).
    public enum Counter: UInt32, Sendable {
        case encryption = 1
        case mac = 2
        case password = 3
    }

    public static func derive(
        _ secret: [UInt8],
        counter: Counter,
        cipher: SecureMessagingCipher
    ) throws(CryptoError) -> [UInt8] {
        let c = counter.rawValue
        let input = secret + [UInt8(c >> 24), UInt8((c >> 16) & 0xFF), UInt8((c >> 8) & 0xFF), UInt8(c & 0xFF)]
        switch cipher {
        case .tripleDES:
            return adjustParity(Array(try Crypto.hash(.sha1, input).prefix(16)))
        case .aes128:
            return Array(try Crypto.hash(.sha1, input).prefix(16))
        case .aes192:
            return Array(try Crypto.hash(.sha256, input).prefix(24))
        case .aes256:
            return try Crypto.hash(.sha256, input)
        }
    }

    /// Sets each byte's least significant bit so the byte has odd parity (DES key parity).
    public static func adjustParity(_ key: [UInt8]) -> [UInt8] {
        key.map { b in
            let ones = (b & 0xFE).nonzeroBitCount
            return (b & 0xFE) | (ones % 2 == 0 ? 1 : 0)
        }
    }

    /// The BAC key seed (ICAO 9303-11 §9.7.2): the first 16 bytes of SHA-1(MRZ_information).
    public static func bacKeySeed(mrzInformation: String) throws(CryptoError) -> [UInt8] {
        Array(try Crypto.hash(.sha1, Array(mrzInformation.utf8)).prefix(16))
    }
}
