import Foundation
import MRTD

/// CRLs of a card's test PKI for exercising CRL updates (`cancuoc sim --crl-out DIR`,
/// docs/fleet.md § CRLs): what a province mirror might serve, good and bad.
public struct TestCRLs: Sendable {
    /// Signed by the card's CSCA, issued now, listing the card's Document Signer: a read
    /// after installing it is `failed`.
    public var revokingDocumentSigner: X509CRL
    /// Signed by the card's CSCA, listing nothing, issued 20 days ago and expired 10 days ago:
    /// the verdict says "revocation not checked: the CRL expired on …".
    public var expired: X509CRL
    /// Signed by the card's CSCA, listing nothing, issued a day ago, valid 90 days.
    public var current: X509CRL
    /// Names the card's CSCA as issuer but is signed by another key: refused.
    public var foreign: X509CRL

    /// The file names `write(to:)` uses, the one list.
    public static let fileNames = (
        revokingDocumentSigner: "revokes-ds.crl", expired: "expired.crl", current: "current.crl",
        foreign: "foreign.crl"
    )

    public init(pki: TestPKI, now: Date = Date()) throws(PKIError) {
        let day: TimeInterval = 86_400
        let serial = Int(pki.documentSigner.certificate.serialHex, radix: 16) ?? 0
        revokingDocumentSigner = try CRLBuilder.build(
            issuer: pki.csca,
            revoking: [serial],
            thisUpdate: now,
            nextUpdate: now.addingTimeInterval(90 * day)
        )
        expired = try CRLBuilder.build(
            issuer: pki.csca,
            revoking: [],
            thisUpdate: now.addingTimeInterval(-20 * day),
            nextUpdate: now.addingTimeInterval(-10 * day)
        )
        current = try CRLBuilder.build(
            issuer: pki.csca,
            revoking: [],
            thisUpdate: now.addingTimeInterval(-day),
            nextUpdate: now.addingTimeInterval(89 * day)
        )
        // The same CSCA name, another key: what a forger without the CSCA's key can make.
        let impostor = try IssuedCertificate.csca(
            scheme: .ecdsaBrainpoolP256r1,
            notBefore: TestPKI.date("2015-01-01"),
            notAfter: TestPKI.date("2045-01-01")
        )
        foreign = try CRLBuilder.build(
            issuer: impostor,
            revoking: [],
            thisUpdate: now,
            nextUpdate: now.addingTimeInterval(90 * day)
        )
    }

    /// Writes the four as DER files into `directory` (what an HTTP server would serve).
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let names = Self.fileNames
        for (name, crl) in [
            (names.revokingDocumentSigner, revokingDocumentSigner), (names.expired, expired),
            (names.current, current), (names.foreign, foreign),
        ] {
            try Data(crl.der).write(to: directory.appendingPathComponent(name), options: .atomic)
        }
    }
}
