import CLibCrypto
import Foundation

/// A certificate revocation list (RFC 5280 §5) as a CSCA publishes it for its Document
/// Signers (ICAO 9303-12 §7.1.4). Owns its `X509_CRL*`.
public final class X509CRL: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_CRL_free(pointer) }

    public convenience init(der: [UInt8]) throws(PKIError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_X509_CRL(nil, &p, buf.count)
        }
        guard let parsed else { throw .malformed("CRL: \(OpenSSL.lastError())") }
        self.init(owning: parsed)
    }

    /// Every CRL in PEM text, or one DER CRL.
    public static func load(_ bytes: [UInt8]) throws(PKIError) -> [X509CRL] {
        if OpenSSL.looksLikePEM(bytes) {
            var out: [X509CRL] = []
            try OpenSSL.withMemoryBIO(bytes) { bio in
                while let c = PEM_read_bio_X509_CRL(bio, nil, nil, nil) { out.append(X509CRL(owning: c)) }
            }
            OpenSSL.clearErrors()
            guard !out.isEmpty else { throw .malformed("no CRL in PEM") }
            return out
        }
        return [try X509CRL(der: bytes)]
    }

    public var der: [UInt8] { OpenSSL.encode(pointer, i2d_X509_CRL) }
    public var pem: String { OpenSSL.bioString { PEM_write_bio_X509_CRL($0, pointer) } }

    /// The issuer as RFC 2253 text.
    public var issuer: String { OpenSSL.name(X509_CRL_get_issuer(pointer)) }

    /// Whether `ca`'s subject is this CRL's issuer.
    public func isIssued(byName ca: X509Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(ca.pointer)) == 0
    }

    /// Whether the CRL's signature verifies under `ca`'s key.
    public func verifies(under ca: X509Certificate) -> Bool {
        guard let key = X509_get0_pubkey(ca.pointer) else { return false }
        let ok = X509_CRL_verify(pointer, key) == 1
        OpenSSL.clearErrors()
        return ok
    }

    /// Whether `certificate`'s serial number is listed.
    public func revokes(_ certificate: X509Certificate) -> Bool {
        var entry: OpaquePointer?
        let found = X509_CRL_get0_by_serial(pointer, &entry, X509_get0_serialNumber(certificate.pointer))
        return found == 1
    }
}
