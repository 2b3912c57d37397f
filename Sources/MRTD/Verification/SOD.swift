import CLibCrypto
import Foundation
import SmartCard
import SwiftASN1

/// EF.SOD, the document security object (ICAO 9303-10 §4.6.2, 9303-11 §5): tag `77`
/// wrapping a CMS ContentInfo of SignedData whose eContent (type 2.23.136.1.1.1,
/// id-icao-mrtd-security-ldsSecurityObject) is the ``LDSSecurityObject``, signed by the
/// Document Signer whose certificate is embedded. Parsing never trusts anything; use
/// ``PassiveAuthentication`` or the ``Verifier`` checks to verify.
public struct SOD: Sendable {
    /// id-icao-mrtd-security-ldsSecurityObject.
    public static let ldsSecurityObjectOID = "2.23.136.1.1.1"

    /// The whole file as read.
    public let raw: [UInt8]
    /// The CMS ContentInfo (the value of tag 77).
    public let contentInfo: [UInt8]
    /// The signed eContent: the DER of ``securityObject``.
    public let eContent: [UInt8]
    public let securityObject: LDSSecurityObject
    /// Every certificate embedded in the SignedData.
    public let certificates: [X509Certificate]
    /// The embedded certificate the signer info names, if any.
    public let documentSigner: X509Certificate?
    /// Signed attributes of the (first) signer.
    public let messageDigest: [UInt8]?
    public let signingTime: Date?
    /// The signer's signature bytes and algorithm (short name), for reports and tests.
    public let signatureValue: [UInt8]?
    public let signatureAlgorithm: String?
    /// The signer's digest algorithm (for the messageDigest), when ICAO allows it.
    public let digestAlgorithm: HashAlgorithm?

    /// Parses EF.SOD; throws ``PKIError`` on truncated, hostile or unsupported input.
    public init(_ bytes: some Collection<UInt8>) throws(PKIError) {
        raw = Array(bytes)
        let tlv: TLV
        do { tlv = try TLV.decode(raw) } catch { throw .malformed("EF.SOD: \(error)") }
        guard tlv.tag == 0x77 else { throw .malformed("EF.SOD does not start with tag 77") }
        contentInfo = tlv.value
        let cms = try CMSSignedData(der: contentInfo)
        guard cms.eContentType == SOD.ldsSecurityObjectOID else {
            throw .unsupported("eContentType \(cms.eContentType) is not an LDS security object")
        }
        eContent = try cms.eContent()
        do { securityObject = try LDSSecurityObject(derEncoded: eContent) } catch {
            throw .malformed("LDSSecurityObject: \(error)")
        }
        certificates = cms.certificates()
        guard let signer = cms.signerInfos.first else { throw .malformed("SignedData has no signer") }
        documentSigner = cms.signerCertificate(signer, among: certificates)
        messageDigest = cms.messageDigest(signer)
        signingTime = cms.signingTime(signer)
        signatureValue = cms.signature(signer)
        signatureAlgorithm = cms.signatureAlgorithm(signer)
        digestAlgorithm = cms.digestAlgorithm(signer)
    }

    /// Verifies the SignedData's signature: the signed messageDigest equals the hash of
    /// the eContent and the signature over the DER SET of signed attributes verifies under
    /// the embedded Document Signer key, for every ICAO algorithm libcrypto knows (RSA
    /// PKCS#1 v1.5, RSA-PSS with its parameters, ECDSA on NIST and brainpool curves).
    /// Returns nil when it verifies, else the reason.
    public func signatureFailure() -> String? {
        guard documentSigner != nil else { return "EF.SOD embeds no Document Signer certificate" }
        // Checked first for a clear reason: a SOD re-hashed after a data group was changed
        // keeps its old signed attributes, so only the messageDigest gives it away.
        if let digestAlgorithm, let messageDigest, digestAlgorithm.hash(eContent) != messageDigest {
            return "the signed messageDigest does not match the LDS security object"
        }
        do {
            let cms = try CMSSignedData(der: contentInfo)
            return cms.verifySignatures()
        } catch {
            return "\(error)"
        }
    }
}
