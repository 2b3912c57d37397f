import CLibCrypto
import Foundation
import SmartCard
import SwiftASN1

/// An ICAO CSCA master list (ICAO 9303-12 §8): CMS SignedData with eContentType
/// 2.23.136.1.1.2 over `CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF
/// Certificate }`, signed by a master-list signer certificate issued by a CSCA.
public struct CSCAMasterList: Sendable {
    public static let contentTypeOID = "2.23.136.1.1.2"

    public let certificates: [X509Certificate]
    public let signer: X509Certificate

    /// Parses and verifies: the CMS signature under the embedded signer, and the signer
    /// issued (name, key id, signature) by one of `anchors`. Throws otherwise.
    public init(_ bytes: [UInt8], anchors: [X509Certificate]) throws(PKIError) {
        var der = bytes
        if OpenSSL.looksLikePEM(bytes) {
            der = try OpenSSL.withMemoryBIO(bytes) { bio throws(PKIError) -> [UInt8] in
                guard let cms = PEM_read_bio_CMS(bio, nil, nil, nil) else { throw .malformed("PEM CMS") }
                defer { CMS_ContentInfo_free(cms) }
                return OpenSSL.encode(cms, i2d_CMS_ContentInfo)
            }
        }
        let cms = try CMSSignedData(der: der)
        guard cms.eContentType == CSCAMasterList.contentTypeOID else {
            throw .unsupported("eContentType \(cms.eContentType) is not a CSCA master list")
        }
        let content = try cms.eContent()
        let embedded = cms.certificates()
        guard let si = cms.signerInfos.first, let signer = cms.signerCertificate(si, among: embedded) else {
            throw .malformed("master list names no embedded signer certificate")
        }
        if let reason = cms.verifySignatures() {
            throw .signature("master list signature does not verify: \(reason)")
        }
        let store = TrustStore(cscas: anchors)
        guard store.issuers(of: signer).contains(where: { $0.verifiesSignature(of: signer) }) else {
            throw .untrusted("master list signer \(signer.subject) does not chain to a trusted CSCA")
        }
        self.signer = signer
        do {
            certificates = try CSCAMasterList.parseCertificates(content)
        } catch let e as PKIError {
            throw e
        } catch {
            throw .malformed("CscaMasterList: \(error)")
        }
    }

    static func parseCertificates(_ content: [UInt8]) throws -> [X509Certificate] {
        let root = try DER.parse(content)
        return try DER.sequence(root, identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)
            guard let set = nodes.next(), set.identifier == .set, case .constructed(let children) = set.content else {
                throw ASN1Error.invalidASN1Object(reason: "certList")
            }
            var out: [X509Certificate] = []
            for child in children {
                var s = DER.Serializer()
                s.serialize(child)
                out.append(try X509Certificate(der: s.serializedBytes))
            }
            return out
        }
    }

    /// The DER of a CscaMasterList over `certificates` (for the test PKI).
    public static func encodeContent(_ certificates: [X509Certificate]) throws -> [UInt8] {
        var s = DER.Serializer()
        try s.appendConstructedNode(identifier: .sequence) { c in
            try c.serialize(0)
            try c.appendConstructedNode(identifier: .set) { set in
                for cert in certificates {
                    try set.serialize(ASN1Any(derEncoded: DER.parse(cert.der)))
                }
            }
        }
        return s.serializedBytes
    }
}
