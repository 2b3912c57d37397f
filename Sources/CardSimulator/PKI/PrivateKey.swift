import CLibCrypto
import MRTD

/// A freshly generated private key for the test PKI. Owns its `EVP_PKEY*`.
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer
    public let scheme: SignatureScheme

    init(owning pointer: OpaquePointer, scheme: SignatureScheme) {
        self.pointer = pointer
        self.scheme = scheme
    }

    deinit { EVP_PKEY_free(pointer) }

    /// RSA-2048 for the RSA schemes, else an EC key on the scheme's curve.
    public static func generate(_ scheme: SignatureScheme) throws(PKIError) -> PrivateKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, scheme.isRSA ? "RSA" : "EC", nil) else {
            throw .library("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw .library("keygen_init") }
        if let curve = scheme.curve {
            guard EVP_PKEY_CTX_set_group_name(ctx, curve) == 1 else { throw .library("set_group_name \(curve)") }
        } else {
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) == 1 else { throw .library("rsa_keygen_bits") }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw .library("EVP_PKEY_generate") }
        return PrivateKey(owning: key, scheme: scheme)
    }

    /// Unencrypted PKCS#8 PEM (test keys only).
    public var pem: String {
        OpenSSL.bioString { bio in PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil) }
    }

    /// Signs `x509` (certificate or CRL) with SHA-256 and the scheme's padding.
    func sign(_ sign: (OpaquePointer) -> Int32) throws(PKIError) {
        guard let mctx = EVP_MD_CTX_new() else { throw .library("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(mctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestSignInit(mctx, &pctx, EVP_sha256(), nil, pointer) == 1 else { throw .library("DigestSignInit") }
        if scheme == .rsaPSS, let pctx { try PrivateKey.configurePSS(pctx) }
        guard sign(mctx) > 0 else { throw .library("sign") }
    }

    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt = digest length (ICAO 9303-12 §7.1 /
    /// RFC 4055).
    static func configurePSS(_ pctx: OpaquePointer) throws(PKIError) {
        guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1
        else {
            throw .library("PSS parameters")
        }
    }
}
