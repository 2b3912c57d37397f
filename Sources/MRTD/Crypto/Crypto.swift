import CLibCrypto

/// The one crypto facade of the project (docs/design.md §3): hashes, block ciphers, MACs, padding
/// and randomness over OpenSSL 3 libcrypto. Nothing here implements a primitive; it only
/// calls libcrypto with the exact modes ICAO 9303-11 needs (no padding, explicit IVs).
public enum Crypto {
    /// Hash functions used by ICAO 9303 (key derivation §9.7.1, passive authentication).
    public enum Hash: Sendable, CaseIterable {
        case sha1, sha224, sha256, sha384, sha512

        var md: OpaquePointer? {
            switch self {
            case .sha1: return EVP_sha1()
            case .sha224: return EVP_sha224()
            case .sha256: return EVP_sha256()
            case .sha384: return EVP_sha384()
            case .sha512: return EVP_sha512()
            }
        }
    }

    /// One-shot digest.
    public static func hash(_ algorithm: Hash, _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBufferPointer { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, algorithm.md, nil)
        }
        guard ok == 1 else { throw libraryError("EVP_Digest") }
        return Array(out.prefix(Int(length)))
    }

    // MARK: - Block ciphers (no padding)

    /// Two-key 3DES (DES-EDE) in CBC mode with a zero IV unless given, no padding
    /// (ICAO 9303-11 §9.8.6.1: BAC and 3DES secure messaging). `key` is 16 bytes (K1||K2).
    public static func tripleDES(
        encrypt: Bool,
        key: [UInt8],
        iv: [UInt8] = [UInt8](repeating: 0, count: 8),
        _ data: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        guard key.count == 16 else { throw .invalidKeyLength(key.count) }
        return try cipher(EVP_des_ede_cbc(), encrypt: encrypt, key: key, iv: iv, blockSize: 8, data)
    }

    /// Single DES-CBC, computed as DES-EDE with K1 = K2 because single DES lives in OpenSSL 3's
    /// legacy provider (docs/design.md §3). Used for the retail MAC's chaining.
    static func singleDESCBC(key: [UInt8], iv: [UInt8], _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == 8 else { throw .invalidKeyLength(key.count) }
        return try cipher(EVP_des_ede_cbc(), encrypt: true, key: key + key, iv: iv, blockSize: 8, data)
    }

    /// AES-CBC (128/192/256 by key length), no padding; zero IV unless given.
    public static func aesCBC(
        encrypt: Bool,
        key: [UInt8],
        iv: [UInt8] = [UInt8](repeating: 0, count: 16),
        _ data: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        let evp: OpaquePointer?
        switch key.count {
        case 16: evp = EVP_aes_128_cbc()
        case 24: evp = EVP_aes_192_cbc()
        case 32: evp = EVP_aes_256_cbc()
        default: throw .invalidKeyLength(key.count)
        }
        return try cipher(evp, encrypt: encrypt, key: key, iv: iv, blockSize: 16, data)
    }

    /// AES-ECB, no padding: the AES secure-messaging IV is E(KSenc, SSC) (ICAO 9303-11 §9.8.6.1).
    public static func aesECB(encrypt: Bool, key: [UInt8], _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        let evp: OpaquePointer?
        switch key.count {
        case 16: evp = EVP_aes_128_ecb()
        case 24: evp = EVP_aes_192_ecb()
        case 32: evp = EVP_aes_256_ecb()
        default: throw .invalidKeyLength(key.count)
        }
        return try cipher(evp, encrypt: encrypt, key: key, iv: nil, blockSize: 16, data)
    }

    private static func cipher(
        _ evp: OpaquePointer?,
        encrypt: Bool,
        key: [UInt8],
        iv: [UInt8]?,
        blockSize: Int,
        _ data: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        guard data.count % blockSize == 0 else { throw .notBlockAligned(data.count) }
        if let iv, iv.count != blockSize { throw .invalidKeyLength(iv.count) }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw libraryError("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_CipherInit_ex(ctx, evp, nil, key, iv, encrypt ? 1 : 0) == 1 else {
            throw libraryError("EVP_CipherInit_ex")
        }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        if data.isEmpty { return [] }
        var out = [UInt8](repeating: 0, count: data.count + blockSize)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { o -> Bool in
            guard let base = o.baseAddress,
                EVP_CipherUpdate(ctx, base, &written, data, Int32(data.count)) == 1
            else { return false }
            return EVP_CipherFinal_ex(ctx, base + Int(written), &final) == 1
        }
        guard ok else { throw libraryError("EVP_CipherUpdate") }
        return Array(out.prefix(Int(written + final)))
    }

    // MARK: - MACs

    /// ISO/IEC 9797-1 MAC algorithm 3 (retail MAC) with padding method 2, DES chaining under K1
    /// and a final DES-EDE with K1||K2 (ICAO 9303-11 §9.8.6.1 for 3DES). Returns 8 bytes.
    public static func retailMAC(key: [UInt8], _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == 16 else { throw .invalidKeyLength(key.count) }
        let padded = pad(data, blockSize: 8)
        let k1 = Array(key[0..<8])
        var iv = [UInt8](repeating: 0, count: 8)
        if padded.count > 8 {
            let chained = try singleDESCBC(key: k1, iv: iv, Array(padded[..<(padded.count - 8)]))
            iv = Array(chained.suffix(8))
        }
        return try tripleDES(encrypt: true, key: key, iv: iv, Array(padded.suffix(8)))
    }

    /// AES-CMAC (NIST SP 800-38B) over `data` as given (no padding added), full 16 bytes.
    /// Secure messaging and PACE tokens use the first 8 bytes (ICAO 9303-11 §9.8.6.2, §4.4.3.4).
    public static func aesCMAC(key: [UInt8], _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        let cipherName: String
        switch key.count {
        case 16: cipherName = "AES-128-CBC"
        case 24: cipherName = "AES-192-CBC"
        case 32: cipherName = "AES-256-CBC"
        default: throw .invalidKeyLength(key.count)
        }
        guard let mac = EVP_MAC_fetch(nil, "CMAC", nil) else { throw libraryError("EVP_MAC_fetch") }
        defer { EVP_MAC_free(mac) }
        guard let ctx = EVP_MAC_CTX_new(mac) else { throw libraryError("EVP_MAC_CTX_new") }
        defer { EVP_MAC_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: 16)
        var outLength = 0
        let ok = cipherName.withCString { name -> Bool in
            "cipher".withCString { paramName -> Bool in
                var params = [
                    OSSL_PARAM_construct_utf8_string(paramName, UnsafeMutablePointer(mutating: name), 0),
                    OSSL_PARAM_construct_end(),
                ]
                guard EVP_MAC_init(ctx, key, key.count, &params) == 1 else { return false }
                guard EVP_MAC_update(ctx, data, data.count) == 1 else { return false }
                return EVP_MAC_final(ctx, &out, &outLength, out.count) == 1
            }
        }
        guard ok, outLength == 16 else { throw libraryError("EVP_MAC(CMAC)") }
        return out
    }

    // MARK: - Padding and randomness

    /// ISO/IEC 9797-1 padding method 2: append 0x80, then zeros to a whole block.
    public static func pad(_ data: [UInt8], blockSize: Int) -> [UInt8] {
        var out = data
        out.append(0x80)
        while out.count % blockSize != 0 { out.append(0) }
        return out
    }

    /// Removes ISO/IEC 9797-1 method 2 padding; throws when it is absent or malformed.
    public static func unpad(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let index = data.lastIndex(where: { $0 != 0 }), data[index] == 0x80 else { throw .badPadding }
        return Array(data[..<index])
    }

    /// Cryptographically secure random bytes (RAND_bytes).
    public static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&out, Int32(count)) == 1 else { throw libraryError("RAND_bytes") }
        return out
    }

    static func libraryError(_ operation: String) -> CryptoError {
        .library(operation: operation, code: cancuoc_ERR_get_error())
    }
}
