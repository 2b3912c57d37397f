import CLibCrypto
import Foundation
import MRTD

/// libcrypto helpers for the test PKI (memory BIOs, DER, times, names).
enum LibCrypto {
    static func bioString(_ body: (OpaquePointer) -> Int32) -> String {
        String(decoding: bioBytes { _ = body($0) }, as: UTF8.self)
    }

    static func bioBytes(_ body: (OpaquePointer) -> Void) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { return [] }
        defer { BIO_free(bio) }
        body(bio)
        var p: UnsafeMutablePointer<CChar>?
        let n = cancuoc_pki_BIO_get_mem_data(bio, &p)
        guard n > 0, let p else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    static func encode(_ object: OpaquePointer, _ i2d: (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8] {
        let n = Int(i2d(object, nil))
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { buf in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            _ = i2d(object, &p)
        }
        return out
    }

    /// Parses a DER certificate we just built into the MRTD wrapper.
    static func certificate(_ x509: OpaquePointer) throws(PKIError) -> X509Certificate {
        try X509Certificate(der: encode(x509, i2d_X509))
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
