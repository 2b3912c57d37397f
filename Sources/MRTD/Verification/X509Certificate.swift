import CLibCrypto
import Foundation

/// An X.509 certificate held by libcrypto (CSCA, Document Signer, master-list signer).
/// Immutable after creation; the instance owns and frees its `X509*`.
/// ICAO 9303-12 §7 profiles these certificates.
public final class X509Certificate: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_free(pointer) }

    /// Parses one DER certificate; throws on anything malformed.
    public convenience init(der: [UInt8]) throws(PKIError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_X509(nil, &p, buf.count)
        }
        guard let parsed else { throw .malformed("certificate: \(OpenSSL.lastError())") }
        self.init(owning: parsed)
    }

    /// Parses every certificate in PEM text, or a single DER certificate.
    public static func load(_ bytes: [UInt8]) throws(PKIError) -> [X509Certificate] {
        if OpenSSL.looksLikePEM(bytes) {
            var out: [X509Certificate] = []
            try OpenSSL.withMemoryBIO(bytes) { bio in
                while let x = PEM_read_bio_X509(bio, nil, nil, nil) { out.append(X509Certificate(owning: x)) }
            }
            OpenSSL.clearErrors()
            guard !out.isEmpty else { throw .malformed("no certificate in PEM") }
            return out
        }
        return [try X509Certificate(der: bytes)]
    }

    /// Another reference to the same `X509*` (up-ref), for libcrypto calls that consume one.
    func retained() -> OpaquePointer {
        X509_up_ref(pointer)
        return pointer
    }

    /// The DER encoding.
    public var der: [UInt8] { OpenSSL.encode(pointer, i2d_X509) }

    /// PEM text.
    public var pem: String {
        OpenSSL.bioString { bio in PEM_write_bio_X509(bio, pointer) }
    }

    /// The subject as an RFC 2253 string ("CN=…,O=…,C=VN").
    public var subject: String { OpenSSL.name(X509_get_subject_name(pointer)) }

    /// The issuer as an RFC 2253 string.
    public var issuer: String { OpenSSL.name(X509_get_issuer_name(pointer)) }

    /// The serial number as lowercase hex.
    public var serialHex: String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(pointer), nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { CRYPTO_free(hex, #file, #line) }
        return String(cString: hex).lowercased()
    }

    /// Subject key identifier (RFC 5280 §4.2.1.2), if present.
    public var subjectKeyIdentifier: [UInt8]? { OpenSSL.bytes(X509_get0_subject_key_id(pointer)) }

    /// The subject key identifier, or when absent the RFC 5280 §4.2.1.2 method (1) value
    /// (SHA-1 of the subjectPublicKey bits) that issuers commonly put in their DS's AKI.
    public var keyIdentifier: [UInt8]? {
        if let ski = subjectKeyIdentifier { return ski }
        var buf = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var n: UInt32 = 0
        guard X509_pubkey_digest(pointer, EVP_sha1(), &buf, &n) == 1 else { return nil }
        return Array(buf.prefix(Int(n)))
    }

    /// The key id of the authority key identifier (RFC 5280 §4.2.1.1), if present.
    public var authorityKeyIdentifier: [UInt8]? { OpenSSL.bytes(X509_get0_authority_key_id(pointer)) }

    /// Whether the subject name equals `other`'s issuer name (X509_NAME_cmp, DER-canonical).
    public func isIssuerName(of other: X509Certificate) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(other.pointer)) == 0
    }

    /// Whether `other`'s signature verifies under this certificate's public key.
    public func verifiesSignature(of other: X509Certificate) -> Bool {
        guard let key = X509_get0_pubkey(pointer) else { return false }
        let ok = X509_verify(other.pointer, key) == 1
        OpenSSL.clearErrors()
        return ok
    }

    /// Not before / not after as dates (nil when unreadable).
    public var notBefore: Date? { OpenSSL.date(X509_get0_notBefore(pointer)) }
    public var notAfter: Date? { OpenSSL.date(X509_get0_notAfter(pointer)) }

    /// Whether the certificate was valid on the UTC calendar day containing `day`: issued
    /// by the end of that day and not expired before its start (a date of issue is a day,
    /// not an instant, so a DS made on the morning of issue is not rejected).
    public func isValid(onDayOf day: Date) -> Bool {
        guard let nb = notBefore, let na = notAfter else { return false }
        let start = Date(timeIntervalSince1970: (day.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let end = start.addingTimeInterval(86_400 - 1)
        return nb <= end && na >= start
    }

    /// Whether basicConstraints says CA (X509_check_ca ≥ 1).
    public var isCA: Bool { X509_check_ca(pointer) >= 1 }

    /// Certificates are equal when their DER encodings are.
    public func sameCertificate(as other: X509Certificate) -> Bool { X509_cmp(pointer, other.pointer) == 0 }
}
