import CLibCrypto
import Foundation
import MRTD

/// Builds a CSCA's CRL (RFC 5280 §5, ICAO 9303-12 §7.1.4) revoking the given serials.
public enum CRLBuilder {
    public static func build(
        issuer: IssuedCertificate,
        revoking serials: [Int],
        thisUpdate: Date = Date(),
        nextUpdate: Date = Date().addingTimeInterval(90 * 86_400)
    ) throws(PKIError) -> X509CRL {
        guard let crl = X509_CRL_new() else { throw .library("X509_CRL_new") }
        defer { X509_CRL_free(crl) }
        let ca = try LibCrypto.x509(issuer.certificate)
        defer { X509_free(ca) }
        X509_CRL_set_version(crl, 1)
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca))
        guard let last = ASN1_TIME_set(nil, LibCrypto.time(thisUpdate)),
            let next = ASN1_TIME_set(nil, LibCrypto.time(nextUpdate))
        else { throw .library("ASN1_TIME_set") }
        defer {
            ASN1_STRING_free(last)
            ASN1_STRING_free(next)
        }
        X509_CRL_set1_lastUpdate(crl, last)
        X509_CRL_set1_nextUpdate(crl, next)
        for serial in serials {
            guard let r = X509_REVOKED_new(), let n = ASN1_INTEGER_new() else { throw .library("X509_REVOKED_new") }
            ASN1_INTEGER_set(n, serial)
            X509_REVOKED_set_serialNumber(r, n)
            X509_REVOKED_set_revocationDate(r, last)
            ASN1_STRING_free(n)
            X509_CRL_add0_revoked(crl, r)
        }
        X509_CRL_sort(crl)
        try issuer.key.sign { mctx in X509_CRL_sign_ctx(crl, mctx) }
        return try X509CRL(der: OpenSSL.encode(crl, i2d_X509_CRL))
    }
}
