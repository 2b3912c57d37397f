import CLibCrypto
import Foundation

/// A CMS ContentInfo holding SignedData (RFC 5652 §5), parsed by libcrypto. Short-lived:
/// created per operation because `CMS_verify` caches signer certificates inside it.
final class CMSSignedData {
    let pointer: OpaquePointer

    init(der: [UInt8]) throws(PKIError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_CMS_ContentInfo(nil, &p, buf.count)
        }
        guard let parsed else { throw .malformed("CMS ContentInfo: \(OpenSSL.lastError())") }
        pointer = parsed
        guard OBJ_obj2nid(CMS_get0_type(pointer)) == NID_pkcs7_signed else {
            throw .unsupported("CMS content is not SignedData")
        }
    }

    deinit { CMS_ContentInfo_free(pointer) }

    /// The dotted eContentType.
    var eContentType: String {
        guard let obj = CMS_get0_eContentType(pointer) else { return "" }
        var buf = [CChar](repeating: 0, count: 128)
        let n = OBJ_obj2txt(&buf, Int32(buf.count), obj, 1)
        guard n > 0 else { return "" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The encapsulated content bytes.
    func eContent() throws(PKIError) -> [UInt8] {
        guard let pp = CMS_get0_content(pointer), let os = pp.pointee,
            let bytes = OpenSSL.bytes(UnsafePointer(os))
        else { throw .malformed("SignedData has no eContent") }
        return bytes
    }

    /// Every certificate in the SignedData's certificate set.
    func certificates() -> [X509Certificate] {
        guard let sk = CMS_get1_certs(pointer) else { return [] }
        defer { cancuoc_pki_sk_X509_pop_free(sk) }
        var out: [X509Certificate] = []
        for i in 0..<cancuoc_pki_sk_num(UnsafeRawPointer(sk)) {
            guard let raw = cancuoc_pki_sk_value(UnsafeRawPointer(sk), i) else { continue }
            let x = OpaquePointer(raw)
            X509_up_ref(x)
            out.append(X509Certificate(owning: x))
        }
        return out
    }

    /// The signer infos (pointers owned by the CMS structure).
    var signerInfos: [OpaquePointer] {
        guard let sk = CMS_get0_SignerInfos(pointer) else { return [] }
        return (0..<cancuoc_pki_sk_num(UnsafeRawPointer(sk))).compactMap { i in
            cancuoc_pki_sk_value(UnsafeRawPointer(sk), i).map { OpaquePointer($0) }
        }
    }

    /// The certificate of the set that `signerInfo` identifies (issuer+serial or SKI).
    func signerCertificate(_ signerInfo: OpaquePointer, among certs: [X509Certificate]) -> X509Certificate? {
        certs.first { CMS_SignerInfo_cert_cmp(signerInfo, $0.pointer) == 0 }
    }

    /// The signed messageDigest attribute (RFC 5652 §11.2).
    func messageDigest(_ signerInfo: OpaquePointer) -> [UInt8]? {
        guard
            let raw = CMS_signed_get0_data_by_OBJ(
                signerInfo,
                OBJ_nid2obj(NID_pkcs9_messageDigest),
                -3,
                V_ASN1_OCTET_STRING
            )
        else { return nil }
        return OpenSSL.bytes(raw.assumingMemoryBound(to: ASN1_OCTET_STRING.self))
    }

    /// The SignerInfo's signature bytes.
    func signature(_ signerInfo: OpaquePointer) -> [UInt8]? {
        OpenSSL.bytes(CMS_SignerInfo_get0_signature(signerInfo).map { UnsafePointer($0) })
    }

    /// The SignerInfo's signature algorithm (short name, e.g. "RSASSA-PSS", "ecdsa-with-SHA256").
    func signatureAlgorithm(_ signerInfo: OpaquePointer) -> String? {
        var sig: UnsafeMutablePointer<X509_ALGOR>?
        var pdig: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(signerInfo, nil, nil, &pdig, &sig)
        guard let sig else { return nil }
        var obj: OpaquePointer?
        X509_ALGOR_get0(&obj, nil, nil, UnsafePointer(sig))
        guard let obj, let sn = OBJ_nid2sn(OBJ_obj2nid(obj)) else { return nil }
        return String(cString: sn)
    }

    /// The SignerInfo's digest algorithm, when it is one ICAO allows.
    func digestAlgorithm(_ signerInfo: OpaquePointer) -> HashAlgorithm? {
        var dig: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(signerInfo, nil, nil, &dig, nil)
        guard let dig else { return nil }
        var obj: OpaquePointer?
        X509_ALGOR_get0(&obj, nil, nil, UnsafePointer(dig))
        guard let obj else { return nil }
        var buf = [CChar](repeating: 0, count: 64)
        guard OBJ_obj2txt(&buf, Int32(buf.count), obj, 1) > 0 else { return nil }
        let dotted = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return HashAlgorithm.allCases.first { $0.oid.description == dotted }
    }

    /// The signed signingTime attribute (RFC 5652 §11.3).
    func signingTime(_ signerInfo: OpaquePointer) -> Date? {
        let i = CMS_signed_get_attr_by_NID(signerInfo, NID_pkcs9_signingTime, -1)
        guard i >= 0, let attr = CMS_signed_get_attr(signerInfo, i) else { return nil }
        return OpenSSL.date(cancuoc_pki_attr_time(attr))
    }

    /// Verifies every signer's signature over its signed attributes and the messageDigest
    /// against the eContent, using the embedded signer certificate's key; the chain is
    /// checked separately (ICAO 9303-11 §5.1 steps 1–2). Returns nil or the reason.
    func verifySignatures() -> String? {
        OpenSSL.clearErrors()
        guard let out = BIO_new(BIO_s_mem()) else { return "libcrypto: BIO_new failed" }
        defer { BIO_free(out) }
        let flags = UInt32(CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY)
        if CMS_verify(pointer, nil, nil, nil, out, flags) == 1 { return nil }
        return OpenSSL.lastError()
    }
}
