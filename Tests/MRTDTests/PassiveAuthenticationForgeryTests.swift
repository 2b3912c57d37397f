import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// Every planted fault ends as docs/design.md §9.4 says, naming the check that caught it.
@Suite struct PassiveAuthenticationForgeries {
    static let expected: [(Forgery, Verdict.Status, CheckKind)] = [
        (.dgModified, .failed, .dataGroupHashes),
        (.sodRehashed, .failed, .sodSignature),
        (.badSODSignature, .failed, .sodSignature),
        (.rogueCSCA, .unverified, .documentSignerChain),
        (.forgedDSSignature, .failed, .documentSignerChain),
        (.dsExpiredBeforeIssue, .failed, .documentSignerChain),
        (.revokedDS, .failed, .documentSignerChain),
    ]

    @Test(arguments: expected.map(\.0))
    func forgeryGetsItsVerdict(fault: Forgery) throws {
        guard let (_, status, kind) = Self.expected.first(where: { $0.0 == fault }) else { return }
        let profile = try PAFixture.loadProfile()
        let set = try ForgeryKit.make(fault, profile: profile, scheme: .ecdsaP256, extraFiles: PAFixture.chipKeys)
        let report = PAFixture.verify(set)
        #expect(report.status == status, "\(report.checks)")
        #expect(report.decisive?.kind == kind)
        #expect(report.status != .verified)
    }

    @Test func aRehashedSODIsCaughtByTheMessageDigest() throws {
        let set = try ForgeryKit.make(
            .sodRehashed,
            profile: PAFixture.loadProfile(),
            scheme: .ecdsaP256,
            extraFiles: PAFixture.chipKeys
        )
        let report = PAFixture.verify(set)
        #expect(report[.dataGroupHashes]?.outcome == .passed)
        #expect(report[.sodSignature]?.reason?.contains("messageDigest") == true)
    }

    @Test func genuineWithChipProofIsVerifiedSoTheForgeriesAreMeaningful() throws {
        let set = try ForgeryKit.genuine(PAFixture.loadProfile(), scheme: .ecdsaP256, extraFiles: PAFixture.chipKeys)
        #expect(PAFixture.verify(set).status == .verified)
    }

    @Test func rogueCSCACopiesTheTrustedName() throws {
        let set = try ForgeryKit.make(.rogueCSCA, profile: PAFixture.loadProfile(), scheme: .ecdsaP256)
        let sod = try SOD(set.files[.sod] ?? [])
        let ds = try #require(sod.documentSigner)
        let trusted = try #require(set.trustedCSCAs.first)
        #expect(trusted.isIssuerName(of: ds))
        #expect(trusted.subjectKeyIdentifier != ds.authorityKeyIdentifier)
    }

    @Test(arguments: [SignatureScheme.rsaPKCS1, .rsaPSS, .ecdsaBrainpoolP256r1])
    func badSignatureFailsForEveryAlgorithm(scheme: SignatureScheme) throws {
        let set = try ForgeryKit.make(.badSODSignature, profile: PAFixture.loadProfile(), scheme: scheme)
        let report = PAFixture.verify(set)
        #expect(report.status == .failed)
        #expect(report[.sodSignature]?.outcome == .failed)
    }

    @Test func nothingForgedIsEverVerified() throws {
        let profile = try PAFixture.loadProfile()
        for fault in Forgery.allCases {
            let set = try ForgeryKit.make(fault, profile: profile, scheme: .ecdsaP256, extraFiles: PAFixture.chipKeys)
            for ca in [VerificationEvidence.ChipProof.passed, .notSupported] {
                for aa in [VerificationEvidence.ChipProof.passed, .notSupported] {
                    let evidence = PAFixture.evidence(set, ca: ca, aa: aa)
                    let report = Verifier.standard(trust: set.trustStore).verify(evidence)
                    #expect(report.status != .verified, "\(fault)")
                }
            }
        }
    }
}
