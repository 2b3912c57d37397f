import Foundation
import MRTD
import Testing

/// EF.SOD from the BSI TR-03105-5 reference data set (the CMS ContentInfo, base64): an
/// RSA-PSS signature whose parameters (SHA-256, MGF1-SHA-256, salt 32) come from the
/// AlgorithmIdentifier, signed attributes without signingTime, a DS with an AKI.
@Suite struct PassiveAuthenticationReference {
    static func sod() throws -> SOD {
        let url = try #require(
            Bundle.module.url(forResource: "bsi-tr03105-5-ef-sod", withExtension: "b64", subdirectory: "Vectors")
        )
        let text = try String(contentsOf: url, encoding: .utf8).filter { !$0.isWhitespace }
        let contentInfo = try #require(Data(base64Encoded: text))
        let n = contentInfo.count
        return try SOD([0x77, 0x82, UInt8(n >> 8), UInt8(n & 0xFF)] + [UInt8](contentInfo))
    }

    @Test func parsesTheReferenceSOD() throws {
        let sod = try Self.sod()
        #expect(sod.securityObject.version == 0)
        #expect(sod.securityObject.hashAlgorithm == .sha256)
        #expect(Set(sod.securityObject.dataGroupHashes.keys) == [1, 2, 3, 4, 14])
        #expect(sod.securityObject.dataGroupHashes.values.allSatisfy { $0.count == 32 })
        #expect(sod.signingTime == nil)
        #expect(sod.digestAlgorithm == .sha256)
        #expect(sod.signatureAlgorithm == "RSASSA-PSS")
        let ds = try #require(sod.documentSigner)
        #expect(ds.subject.contains("CN=HJP PB DS"))
        #expect(ds.issuer.contains("CN=HJP PB CS"))
        #expect(ds.authorityKeyIdentifier?.count == 20)
    }

    @Test func itsPSSSignatureVerifies() throws {
        #expect(try Self.sod().signatureFailure() == nil)
    }

    @Test func withoutItsCSCAItIsUnverifiedNeverFailed() throws {
        let sod = try Self.sod()
        let evidence = VerificationEvidence(
            files: [.sod: sod.raw],
            dateOfIssue: nil,
            chipAuthentication: .notSupported,
            activeAuthentication: .notSupported,
            now: Date(timeIntervalSince1970: 1_400_000_000)
        )
        let report = Verifier.standard(trust: TrustStore()).verify(evidence)
        #expect(report[.sodSignature]?.outcome == .passed)
        #expect(report[.documentSignerChain]?.outcome == .inconclusive)
        #expect(report.status == .unverified)
    }
}
