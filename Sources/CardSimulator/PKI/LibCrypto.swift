import CLibCrypto
import Foundation
import MRTD

/// libcrypto helpers for the test PKI (certificates, names, times); memory BIOs and DER
/// come from MRTD's `OpenSSL`.
enum LibCrypto {
    /// Parses a DER certificate we just built into the MRTD wrapper.
    static func certificate(_ x509: OpaquePointer) throws(PKIError) -> X509Certificate {
        try X509Certificate(der: OpenSSL.encode(x509, i2d_X509))
    }

    /// The `X509*` for a certificate (caller frees).
    static func x509(_ certificate: X509Certificate) throws(PKIError) -> OpaquePointer {
        let der = certificate.der
        let x: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_X509(nil, &p, buf.count)
        }
        guard let x else { throw .library("d2i_X509") }
        return x
    }

    /// An X509_NAME from (field, value) pairs, e.g. [("C","VN"),("CN","…")] (caller frees).
    static func name(_ parts: [(String, String)]) throws(PKIError) -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw .library("X509_NAME_new") }
        for (field, value) in parts {
            guard X509_NAME_add_entry_by_txt(name, field, cancuoc_pki_MBSTRING_UTF8(), value, -1, -1, 0) == 1 else {
                X509_NAME_free(name)
                throw .library("name \(field)")
            }
        }
        return name
    }

    static func time(_ date: Date) -> Int { Int(date.timeIntervalSince1970) }
}
