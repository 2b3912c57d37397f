import Foundation
import MRTD

/// Builds an ICAO CSCA master list (ICAO 9303-12 §8): CMS SignedData, eContentType
/// 2.23.136.1.1.2, over the CscaMasterList of `cscas`, signed by `signer` (a master-list
/// signer issued by a CSCA) with the signer certificate embedded.
public enum MasterListBuilder {
    public static func build(cscas: [X509Certificate], signer: IssuedCertificate) throws(PKIError) -> [UInt8] {
        let content: [UInt8]
        do { content = try CSCAMasterList.encodeContent(cscas) } catch { throw .library("CscaMasterList: \(error)") }
        return try CMSSigner.sign(
            content: content,
            contentType: CSCAMasterList.contentTypeOID,
            signer: signer,
            digest: .sha256,
            signingTime: Date()
        )
    }
}
