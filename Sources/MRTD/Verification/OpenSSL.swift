import CLibCrypto
import Foundation

/// Small helpers over libcrypto for the PKI code: memory BIOs, DER encoding, names, times,
/// error strings. Internal; the public surface is the typed wrappers.
public enum OpenSSL {
    /// The oldest queued libcrypto error as text (and clears the queue).
    static func lastError() -> String {
        let code = cancuoc_pki_ERR_get_error()
        clearErrors()
        guard code != 0 else { return "unknown error" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func clearErrors() { cancuoc_pki_ERR_clear() }

    static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN".utf8)
        guard bytes.count >= marker.count else { return false }
        for i in 0...(min(bytes.count, 4096) - marker.count) where bytes[i] == marker[0] {
            if Array(bytes[i..<(i + marker.count)]) == marker { return true }
        }
        return false
    }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withMemoryBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws(PKIError) -> T) throws(PKIError) -> T
    {
        let bio: OpaquePointer? = bytes.withUnsafeBytes { raw in
            BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
        }
        guard let bio else { throw .library("BIO_new_mem_buf") }
        defer { BIO_free(bio) }
        // BIO_new_mem_buf does not copy: keep `bytes` alive for the whole body.
        return try withExtendedLifetime(bytes) { () throws(PKIError) -> T in try body(bio) }
    }

    /// Bytes written by `body` into a fresh memory BIO.
    public static func bioBytes(_ body: (OpaquePointer) -> Void) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { return [] }
        defer { BIO_free(bio) }
        body(bio)
        var p: UnsafeMutablePointer<CChar>?
        let n = cancuoc_pki_BIO_get_mem_data(bio, &p)
        guard n > 0, let p else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: n) { Array(UnsafeBufferPointer(start: $0, count: n)) }
    }

    public static func bioString(_ body: (OpaquePointer) -> Int32) -> String {
        String(decoding: bioBytes { _ = body($0) }, as: UTF8.self)
    }

    /// DER through an `i2d_*` function (two passes, no libcrypto allocation to free); empty
    /// when libcrypto cannot encode the object.
    public static func encode(
        _ object: OpaquePointer,
        _ i2d: (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
    ) -> [UInt8] {
        let n = Int(i2d(object, nil))
        guard n > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: n)
        let written = out.withUnsafeMutableBufferPointer { buf in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            return Int(i2d(object, &p))
        }
        return written == n ? out : []
    }

    /// An X509_NAME as RFC 2253 text.
    static func name(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        return bioString { bio in X509_NAME_print_ex(bio, name, 0, cancuoc_pki_XN_FLAG_RFC2253()) }
    }

    static func bytes(_ s: UnsafePointer<ASN1_OCTET_STRING>?) -> [UInt8]? {
        guard let s else { return nil }
        let n = Int(ASN1_STRING_length(s))
        guard n >= 0, let p = ASN1_STRING_get0_data(s) else { return nil }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    static func date(_ t: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let t else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(t, &tm) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }
}
