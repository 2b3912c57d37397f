import CLibCrypto
import SmartCard

/// Owns an `EVP_PKEY`.
final class PKey {
    let pkey: OpaquePointer
    init(owning pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    /// From a DER SubjectPublicKeyInfo.
    static func publicKey(subjectPublicKeyInfo der: [UInt8]) throws(CryptoError) -> PKey {
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var p = buffer.baseAddress
            return d2i_PUBKEY(nil, &p, buffer.count)
        }
        guard let key else { throw Crypto.libraryError("d2i_PUBKEY") }
        return PKey(owning: key)
    }

    /// From a DER private key (the form `privateKeyDER` writes).
    static func privateKey(der: [UInt8]) throws(CryptoError) -> PKey {
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var p = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &p, buffer.count)
        }
        guard let key else { throw Crypto.libraryError("d2i_AutoPrivateKey") }
        return PKey(owning: key)
    }

    var subjectPublicKeyInfo: [UInt8] {
        get throws(CryptoError) { try der(i2d_PUBKEY, "i2d_PUBKEY") }
    }

    var privateKeyDER: [UInt8] {
        get throws(CryptoError) { try der(i2d_PrivateKey, "i2d_PrivateKey") }
    }

    private func der(
        _ i2d: (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32,
        _ name: String
    ) throws(CryptoError) -> [UInt8] {
        let der = OpenSSL.encode(pkey, i2d)
        guard !der.isEmpty else { throw Crypto.libraryError(name) }
        return der
    }

    var isRSA: Bool { EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA }
    var size: Int { Int(EVP_PKEY_get_size(pkey)) }

    static func generate(algorithm: String, configure: (OpaquePointer) -> Int32) throws(CryptoError) -> PKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else {
            throw Crypto.libraryError("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1, configure(ctx) > 0 else {
            throw Crypto.libraryError("EVP_PKEY_keygen_init")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw Crypto.libraryError("EVP_PKEY_generate") }
        return PKey(owning: key)
    }

    /// Runs `body` with a context for this key, freed afterwards.
    func withContext<T>(_ body: (OpaquePointer) throws(CryptoError) -> T) throws(CryptoError) -> T {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else {
            throw Crypto.libraryError("EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        return try body(ctx)
    }
}

/// Public-key operations for active authentication (ICAO 9303-11 §6.1) over libcrypto's EVP
/// API: raw RSA both ways (the ISO/IEC 9796-2 framing is ours, in `ISO9796Scheme1`), ECDSA,
/// and key generation for the simulated chip. Private keys cross the API as DER and are never
/// logged.
extension Crypto {
    /// A fresh RSA key pair: the private key as DER, the public key as a SubjectPublicKeyInfo.
    public static func generateRSAKeyPair(
        bits: Int
    ) throws(CryptoError) -> (privateKey: [UInt8], subjectPublicKeyInfo: [UInt8]) {
        let key = try PKey.generate(algorithm: "RSA") { EVP_PKEY_CTX_set_rsa_keygen_bits($0, Int32(bits)) }
        return (try key.privateKeyDER, try key.subjectPublicKeyInfo)
    }

    /// A fresh EC key pair on an ICAO standardized curve (§9.5.1), for ECDSA.
    public static func generateECKeyPair(
        parameterId: Int
    ) throws(CryptoError) -> (privateKey: [UInt8], subjectPublicKeyInfo: [UInt8]) {
        guard let entry = ECCurve.curves[parameterId], let name = OBJ_nid2sn(entry.nid) else {
            throw .unsupportedCurve(parameterId)
        }
        let key = try PKey.generate(algorithm: "EC") { EVP_PKEY_CTX_set_group_name($0, name) }
        return (try key.privateKeyDER, try key.subjectPublicKeyInfo)
    }

    /// s^e mod n: the raw RSA public operation (`EVP_PKEY_verify_recover`, no padding), output
    /// as long as the modulus. Throws for a non-RSA key or an input not below the modulus.
    public static func rsaRawPublic(subjectPublicKeyInfo: [UInt8], _ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        let key = try PKey.publicKey(subjectPublicKeyInfo: subjectPublicKeyInfo)
        guard key.isRSA else { throw .library(operation: "not an RSA key", code: 0) }
        return try key.withContext { ctx throws(CryptoError) -> [UInt8] in
            guard EVP_PKEY_verify_recover_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 else {
                throw libraryError("EVP_PKEY_verify_recover_init")
            }
            var out = [UInt8](repeating: 0, count: key.size)
            var length = out.count
            guard EVP_PKEY_verify_recover(ctx, &out, &length, input, input.count) == 1 else {
                throw libraryError("EVP_PKEY_verify_recover")
            }
            return Array(out.prefix(length))
        }
    }

    /// m^d mod n: the raw RSA private operation (`EVP_PKEY_sign`, no padding). `input` must be
    /// exactly as long as the modulus and below it. Chip side of ISO/IEC 9796-2 signing.
    public static func rsaRawPrivate(privateKey: [UInt8], _ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        let key = try PKey.privateKey(der: privateKey)
        guard key.isRSA else { throw .library(operation: "not an RSA key", code: 0) }
        return try key.withContext { ctx throws(CryptoError) -> [UInt8] in
            guard EVP_PKEY_sign_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 else {
                throw libraryError("EVP_PKEY_sign_init")
            }
            var out = [UInt8](repeating: 0, count: key.size)
            var length = out.count
            guard EVP_PKEY_sign(ctx, &out, &length, input, input.count) == 1 else {
                throw libraryError("EVP_PKEY_sign")
            }
            return Array(out.prefix(length))
        }
    }

    /// ECDSA over `message` with `hash`; the signature as DER `SEQUENCE { r, s }`.
    public static func ecdsaSign(privateKey: [UInt8], hash: Hash, _ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let key = try PKey.privateKey(der: privateKey)
        guard let ctx = EVP_MD_CTX_new() else { throw libraryError("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, hash.md, nil, key.pkey) == 1 else {
            throw libraryError("EVP_DigestSignInit")
        }
        var length = 0
        guard EVP_DigestSign(ctx, nil, &length, message, message.count) == 1 else {
            throw libraryError("EVP_DigestSign")
        }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(ctx, &out, &length, message, message.count) == 1 else {
            throw libraryError("EVP_DigestSign")
        }
        return Array(out.prefix(length))
    }

    /// Verifies a DER ECDSA signature over `message` with `hash`. False for any mismatch or
    /// malformed signature; throws only when the key cannot be loaded.
    public static func ecdsaVerify(
        subjectPublicKeyInfo: [UInt8],
        hash: Hash,
        message: [UInt8],
        derSignature: [UInt8]
    ) throws(CryptoError) -> Bool {
        let key = try PKey.publicKey(subjectPublicKeyInfo: subjectPublicKeyInfo)
        guard let ctx = EVP_MD_CTX_new() else { throw libraryError("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, hash.md, nil, key.pkey) == 1 else {
            throw libraryError("EVP_DigestVerifyInit")
        }
        let ok = EVP_DigestVerify(ctx, derSignature, derSignature.count, message, message.count) == 1
        if !ok { _ = cancuoc_ERR_get_error() }
        return ok
    }
}

/// Conversions between the plain `r || s` ECDSA format (BSI TR-03111 §5.2.1, what eMRTD chips
/// return to INTERNAL AUTHENTICATE) and DER `SEQUENCE { INTEGER r, INTEGER s }`.
public enum ECDSASignature {
    /// Plain to DER; nil when the plain signature has odd length or is empty.
    public static func der(fromPlain plain: [UInt8]) -> [UInt8]? {
        guard !plain.isEmpty, plain.count % 2 == 0 else { return nil }
        let half = plain.count / 2
        return TLV(tag: 0x30, children: [integer(Array(plain[..<half])), integer(Array(plain[half...]))]).encoded
    }

    /// DER to plain, each integer left-padded to `length` bytes; nil when malformed or too long.
    public static func plain(fromDER der: [UInt8], length: Int) -> [UInt8]? {
        guard let seq = try? TLV.decode(der), seq.tag == 0x30, let parts = try? seq.children(),
            parts.count == 2, parts.allSatisfy({ $0.tag == 0x02 })
        else { return nil }
        var out: [UInt8] = []
        for part in parts {
            let v = ECCurve.strip(part.value)
            guard v.count <= length else { return nil }
            out += [UInt8](repeating: 0, count: length - v.count) + v
        }
        return out
    }

    private static func integer(_ bytes: [UInt8]) -> TLV {
        var v = ECCurve.strip(bytes)
        if v.isEmpty { v = [0] }
        if let first = v.first, first & 0x80 != 0 { v.insert(0, at: 0) }
        return TLV(tag: 0x02, value: v)
    }
}
