import CLibCrypto
import Foundation
import MRTD

/// Builds EF.SOD (ICAO 9303-10 §4.6.2): `77 { ContentInfo SignedData }` over the given
/// data groups' bytes, signed by a Document Signer whose certificate is embedded.
public struct SODBuilder: Sendable {
    public var hashAlgorithm: HashAlgorithm = .sha256
    public var signingTime: Date?
    public var ldsVersion: (String, String)? = nil
    /// false: no signed attributes (no signingTime, signature over the content itself),
    /// which ICAO 9303-10 does not allow but verifiers meet; for tests of the date fallback.
    public var signedAttributes = true

    public init(hashAlgorithm: HashAlgorithm = .sha256, signingTime: Date? = nil) {
        self.hashAlgorithm = hashAlgorithm
        self.signingTime = signingTime
    }

    /// EF.SOD over every data group in `files` (COM, SOD and CardAccess are not hashed).
    public func build(files: [DataGroupID: [UInt8]], signer: IssuedCertificate) throws(PKIError) -> [UInt8] {
        var hashes: [Int: [UInt8]] = [:]
        for (id, bytes) in files { if let n = id.number { hashes[n] = hashAlgorithm.hash(bytes) } }
        let lso = LDSSecurityObject(
            version: ldsVersion == nil ? 0 : 1,
            hashAlgorithm: hashAlgorithm,
            dataGroupHashes: hashes,
            ldsVersion: ldsVersion?.0,
            unicodeVersion: ldsVersion?.1
        )
        let content: [UInt8]
        do { content = try lso.derEncoded() } catch { throw .library("LDSSecurityObject: \(error)") }
        let ci = try CMSSigner.sign(
            content: content,
            contentType: SOD.ldsSecurityObjectOID,
            signer: signer,
            digest: hashAlgorithm,
            signingTime: signingTime,
            signedAttributes: signedAttributes
        )
        return [0x77] + SODBuilder.length(ci.count) + ci
    }

    static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var v = n
        while v > 0 {
            bytes.insert(UInt8(v & 0xFF), at: 0)
            v >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}
