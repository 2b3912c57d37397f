import CLibCrypto
import Foundation
import MRTD

/// CMS SignedData (RFC 5652) as ICAO uses it for EF.SOD and master lists: one signer,
/// signed attributes (contentType, signingTime, messageDigest), the signer certificate
/// embedded, definite-length DER.
enum CMSSigner {
    static func sign(
        content: [UInt8],
        contentType: String,
        signer: IssuedCertificate,
        digest: HashAlgorithm,
        signingTime: Date?,
        signedAttributes: Bool = true,
        extraCertificates: [X509Certificate] = []
    ) throws(PKIError) -> [UInt8] {
        let flags = UInt32(CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP | (signedAttributes ? 0 : CMS_NOATTR))
        guard let cms = CMS_sign(nil, nil, nil, nil, flags) else { throw .library("CMS_sign") }
        defer { CMS_ContentInfo_free(cms) }
        guard let oid = OBJ_txt2obj(contentType, 1) else { throw .library("OBJ_txt2obj") }
        defer { ASN1_OBJECT_free(oid) }
        guard CMS_set1_eContentType(cms, oid) == 1 else { throw .library("eContentType") }
        let cert = try LibCrypto.x509(signer.certificate)
        defer { X509_free(cert) }
        let pss = signer.key.scheme == .rsaPSS
        let md = EVP_get_digestbyname(digest.rawValue.replacingOccurrences(of: "-", with: ""))
        guard let si = CMS_add1_signer(cms, cert, signer.key.pointer, md, flags | UInt32(pss ? CMS_KEY_PARAM : 0))
        else {
            throw .library("CMS_add1_signer")
        }
        if pss, let pctx = CMS_SignerInfo_get0_pkey_ctx(si) { try PrivateKey.configurePSS(pctx) }
        if signedAttributes, let signingTime {
            guard let t = ASN1_TIME_set(nil, LibCrypto.time(signingTime)) else { throw .library("ASN1_TIME_set") }
            defer { ASN1_STRING_free(t) }
            CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t.pointee.type, t, -1)
        }
        for extra in extraCertificates {
            let x = try LibCrypto.x509(extra)
            CMS_add1_cert(cms, x)
            X509_free(x)
        }
        let data: OpaquePointer? = content.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        guard let data else { throw .library("BIO") }
        defer { BIO_free(data) }
        let ok = withExtendedLifetime(content) { CMS_final(cms, data, nil, UInt32(CMS_BINARY)) }
        guard ok == 1 else { throw .library("CMS_final") }
        let der = OpenSSL.encode(cms, i2d_CMS_ContentInfo)
        guard !der.isEmpty else { throw .library("i2d_CMS_ContentInfo") }
        return der
    }
}
