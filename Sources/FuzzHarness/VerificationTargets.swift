import MRTD

/// EF.SOD, certificates, CRLs and DG15: what a cloned chip controls completely.
enum VerificationTargets {
    /// Parses EF.SOD and, when it parses, runs the CMS signature check over it (libcrypto on
    /// hostile DER) and the LDS security object's accessors.
    static func sod(_ data: [UInt8]) {
        guard let sod = try? SOD(data) else { return }
        _ = sod.signatureFailure()
        _ = sod.securityObject.dataGroupHashes.count
        _ = sod.documentSigner?.subject
    }

    /// PEM or DER certificates and CRLs, with every accessor the chain check uses.
    static func certificate(_ data: [UInt8]) {
        for c in (try? X509Certificate.load(data)) ?? [] {
            _ = (
                c.subject, c.issuer, c.serialHex, c.keyIdentifier, c.authorityKeyIdentifier, c.notBefore, c.notAfter,
                c.isCA
            )
            _ = c.verifiesSignature(of: c)
        }
        for crl in (try? X509CRL.load(data)) ?? [] {
            _ = crl.issuer
        }
    }

    /// DG15 and an active-authentication check of the input's tail as a signature.
    static func dg15(_ data: [UInt8]) {
        guard let dg15 = try? DG15(data) else { return }
        let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        _ = ActiveAuthenticator.verify(signature: Array(data.suffix(64)), challenge: challenge, dg15: dg15, dg14: nil)
    }
}
