import CLibCrypto
import Foundation
import MRTD

/// A certificate of the test PKI with its private key: a CSCA, a Document Signer or a
/// master-list signer (ICAO 9303-12 §7.1 profiles).
public struct IssuedCertificate: Sendable {
    public let certificate: X509Certificate
    public let key: PrivateKey

    /// A self-signed CSCA: basicConstraints CA (pathLen 0), keyCertSign|cRLSign, SKI.
    public static func csca(
        scheme: SignatureScheme = .ecdsaBrainpoolP256r1,
        name: [(String, String)] = TestPKI.cscaName,
        notBefore: Date,
        notAfter: Date,
        serial: Int = 1,
        key givenKey: PrivateKey? = nil
    ) throws(PKIError) -> IssuedCertificate {
        let key: PrivateKey
        if let given = givenKey { key = given } else { key = try PrivateKey.generate(scheme) }
        let cert = try build(
            subject: name,
            issuerName: name,
            issuer: nil,
            subjectKey: key,
            signer: key,
            serial: serial,
            notBefore: notBefore,
            notAfter: notAfter,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_subject_key_identifier, "hash"),
            ]
        )
        return IssuedCertificate(certificate: cert, key: key)
    }

    /// A Document Signer issued by `csca`: AKI = the CSCA's SKI, digitalSignature.
    public static func documentSigner(
        issuedBy csca: IssuedCertificate,
        scheme: SignatureScheme = .ecdsaBrainpoolP256r1,
        commonName: String = "Document Signer TEST",
        serial: Int = 100,
        notBefore: Date,
        notAfter: Date
    ) throws(PKIError) -> IssuedCertificate {
        try leaf(
            issuedBy: csca,
            scheme: scheme,
            commonName: commonName,
            serial: serial,
            notBefore: notBefore,
            notAfter: notAfter,
            keyUsage: "critical,digitalSignature"
        )
    }

    /// A master-list signer issued by `csca` (ICAO 9303-12 §7.1.3; extended key usage omitted in tests).
    public static func masterListSigner(
        issuedBy csca: IssuedCertificate,
        scheme: SignatureScheme = .ecdsaP256,
        serial: Int = 200,
        notBefore: Date,
        notAfter: Date
    ) throws(PKIError) -> IssuedCertificate {
        try leaf(
            issuedBy: csca,
            scheme: scheme,
            commonName: "Master List Signer TEST",
            serial: serial,
            notBefore: notBefore,
            notAfter: notAfter,
            keyUsage: "critical,digitalSignature"
        )
    }

    /// A forgery: a DS naming `claimed` as issuer (name and AKI copied from it) but signed
    /// with `signedWith`, so the name and key id point to the trusted CSCA and its key refuses it.
    public static func forgedDocumentSigner(
        claiming claimed: X509Certificate,
        signedWith: PrivateKey,
        scheme: SignatureScheme,
        notBefore: Date,
        notAfter: Date
    ) throws(PKIError) -> IssuedCertificate {
        let key = try PrivateKey.generate(scheme)
        let cert = try build(
            subject: [("C", "VN"), ("O", "cancuoc test PKI"), ("CN", "Document Signer TEST")],
            issuerName: nil,
            issuer: claimed,
            subjectKey: key,
            signer: signedWith,
            serial: 100,
            notBefore: notBefore,
            notAfter: notAfter,
            extensions: [
                (NID_key_usage, "critical,digitalSignature"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        )
        return IssuedCertificate(certificate: cert, key: key)
    }

    static func leaf(
        issuedBy csca: IssuedCertificate,
        scheme: SignatureScheme,
        commonName: String,
        serial: Int,
        notBefore: Date,
        notAfter: Date,
        keyUsage: String
    ) throws(PKIError) -> IssuedCertificate {
        let key = try PrivateKey.generate(scheme)
        let cert = try build(
            subject: [("C", "VN"), ("O", "cancuoc test PKI"), ("CN", commonName)],
            issuerName: nil,
            issuer: csca.certificate,
            subjectKey: key,
            signer: csca.key,
            serial: serial,
            notBefore: notBefore,
            notAfter: notAfter,
            extensions: [
                (NID_key_usage, keyUsage),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        )
        return IssuedCertificate(certificate: cert, key: key)
    }

    static func build(
        subject: [(String, String)],
        issuerName: [(String, String)]?,
        issuer: X509Certificate?,
        subjectKey: PrivateKey,
        signer: PrivateKey,
        serial: Int,
        notBefore: Date,
        notAfter: Date,
        extensions: [(Int32, String)]
    ) throws(PKIError) -> X509Certificate {
        guard let x = X509_new() else { throw .library("X509_new") }
        defer { X509_free(x) }
        let issuerX509 = try issuer.map { c throws(PKIError) in try LibCrypto.x509(c) }
        defer { if let issuerX509 { X509_free(issuerX509) } }
        X509_set_version(x, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(x), serial)
        ASN1_TIME_set(X509_getm_notBefore(x), LibCrypto.time(notBefore))
        ASN1_TIME_set(X509_getm_notAfter(x), LibCrypto.time(notAfter))
        let subjectName = try LibCrypto.name(subject)
        defer { X509_NAME_free(subjectName) }
        X509_set_subject_name(x, subjectName)
        if let issuerX509 {
            X509_set_issuer_name(x, X509_get_subject_name(issuerX509))
        } else {
            let n = try LibCrypto.name(issuerName ?? subject)
            defer { X509_NAME_free(n) }
            X509_set_issuer_name(x, n)
        }
        X509_set_pubkey(x, subjectKey.pointer)
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuerX509 ?? x, x, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw .library("extension \(nid): \(value)")
            }
            X509_add_ext(x, ext, -1)
            X509_EXTENSION_free(ext)
        }
        try signer.sign { mctx in X509_sign_ctx(x, mctx) }
        return try LibCrypto.certificate(x)
    }
}
