import CLibCrypto
import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// ICAO 9303-11 §5.1 passive authentication over simulated cards, verdicts per docs/design.md §9.4.
@Suite struct PassiveAuthenticationOfCards {
    @Test(arguments: SignatureScheme.allCases)
    func genuineCardIsVerifiedWithEverySignerAlgorithm(scheme: SignatureScheme) throws {
        let card = try PAFixture.genuine(scheme: scheme)
        let report = PAFixture.verify(card)
        for kind in [CheckKind.dataGroupHashes, .sodSignature, .documentSignerChain] {
            #expect(report[kind]?.outcome == .passed, "\(kind): \(report[kind]?.reason ?? "")")
        }
        #expect(report.status == .verified)
        #expect(report[.documentSignerChain]?.facts.revocation == .notChecked)
        #expect(report[.documentSignerChain]?.facts.csca?.contains("CSCA Viet Nam TEST") == true)
    }

    @Test func signatureAlgorithmsAreTheIntendedOnes() throws {
        let pss = try SOD(PAFixture.genuine(scheme: .rsaPSS).files[.sod] ?? [])
        #expect(pss.signatureAlgorithm == "RSASSA-PSS")
        let ec = try SOD(PAFixture.genuine(scheme: .ecdsaBrainpoolP256r1).files[.sod] ?? [])
        #expect(ec.signatureAlgorithm?.hasPrefix("ecdsa-with-SHA256") == true)
        #expect(ec.securityObject.hashAlgorithm == .sha256)
        #expect(Set(ec.securityObject.dataGroupHashes.keys) == [1, 2, 13, 14, 15])
    }

    @Test(arguments: HashAlgorithm.allCases, [SignatureScheme.rsaPKCS1, .rsaPSS, .ecdsaP256, .ecdsaBrainpoolP256r1])
    func everyICAOHashAlgorithmWithEverySigner(hash: HashAlgorithm, scheme: SignatureScheme) throws {
        let card = try PAFixture.genuine(scheme: scheme, sod: SODBuilder(hashAlgorithm: hash))
        let report = PAFixture.verify(card)
        #expect(report.status == .verified, "\(report.checks)")
        let sod = try SOD(card.files[.sod] ?? [])
        #expect(sod.securityObject.hashAlgorithm == hash)
        #expect(sod.digestAlgorithm == hash)
    }

    @Test func withoutTheCSCAItIsUnverifiedNamingTheChain() throws {
        let card = try PAFixture.genuine()
        let report = PAFixture.verify(card, trust: TrustStore())
        #expect(report.status == .unverified)
        #expect(report[.documentSignerChain]?.outcome == .inconclusive)
        #expect(report.decisive?.kind == .documentSignerChain)
        #expect(report[.dataGroupHashes]?.outcome == .passed)
        #expect(report[.sodSignature]?.outcome == .passed)
    }

    @Test func neitherChipNorActiveAuthenticationIsUnverified() throws {
        let card = try PAFixture.genuine()
        let noProof = PAFixture.verify(card, ca: .notSupported, aa: .notSupported)
        #expect(noProof.status == .unverified)
        #expect(noProof.decisive?.kind == .chipAuthentication)
        #expect(PAFixture.verify(card, ca: .notPerformed("skipped by policy"), aa: .passed).status == .verified)
        #expect(PAFixture.verify(card, ca: .failed("refused"), aa: .passed).status == .failed)
    }

    @Test func aCSCAWithoutSKIIsMatchedByTheHashOfItsKey() throws {
        let pki = try TestPKI(scheme: .ecdsaP256)
        let plain = try IssuedCertificate.build(
            subject: TestPKI.cscaName,
            issuerName: nil,
            issuer: nil,
            subjectKey: pki.csca.key,
            signer: pki.csca.key,
            serial: 9,
            notBefore: TestPKI.date("2015-01-01"),
            notAfter: TestPKI.date("2045-01-01"),
            extensions: [(NID_basic_constraints, "critical,CA:TRUE")]
        )
        #expect(plain.subjectKeyIdentifier == nil)
        #expect(plain.keyIdentifier == pki.csca.certificate.subjectKeyIdentifier)
        let card = try PAFixture.genuine(pki: pki)
        #expect(PAFixture.verify(card, trust: TrustStore(cscas: [plain])).status == .verified)
    }

    @Test func chipProofWithoutItsKeyFileDoesNotCount() throws {
        let card = try PAFixture.genuine()
        var evidence = PAFixture.evidence(card)
        evidence.files[.dg14] = nil
        let report = Verifier.standard(trust: card.trustStore).verify(evidence)
        #expect(report[.chipAuthentication]?.outcome == .inconclusive)
        #expect(report.status == .unverified)
    }

    @Test func dg3NotReadIsSkippedAndADataGroupNotInTheSODFails() throws {
        let card = try PAFixture.genuine()
        var evidence = PAFixture.evidence(card)
        #expect(Verifier.standard(trust: card.trustStore).verify(evidence).status == .verified)
        evidence.files[.dg11] = [0x6B, 0x00]
        let report = Verifier.standard(trust: card.trustStore).verify(evidence)
        #expect(report.status == .failed)
        #expect(report[.dataGroupHashes]?.reason?.contains("DG11") == true)
    }

    @Test func sodEntriesNotReadAreNotCounted() throws {
        let card = try PAFixture.genuine()
        var evidence = PAFixture.evidence(card)
        evidence.files[.dg2] = nil
        #expect(Verifier.standard(trust: card.trustStore).verify(evidence).status == .verified)
    }

    @Test func dsExpiredAfterTheDateOfIssueStillPassesWithANote() throws {
        let profile = try PAFixture.loadProfile()
        let issue = ForgeryKit.issueDate(profile)
        let pki = try TestPKI(
            scheme: .ecdsaP256,
            dsNotBefore: issue.addingTimeInterval(-86_400 * 100),
            dsNotAfter: issue.addingTimeInterval(86_400 * 100)
        )
        let card = try PAFixture.genuine(pki: pki)
        let report = PAFixture.verify(card)
        #expect(report.status == .verified)
        #expect(report[.documentSignerChain]?.notes.contains(.documentSignerExpiredSinceIssue) == true)
    }

    @Test func withoutADateOfIssueTheSigningTimeIsUsed() throws {
        let profile = try PAFixture.loadProfile()
        let issue = ForgeryKit.issueDate(profile)
        let pki = try TestPKI(
            scheme: .ecdsaP256,
            dsNotBefore: issue.addingTimeInterval(-86_400 * 10),
            dsNotAfter: issue.addingTimeInterval(86_400 * 10)
        )
        let card = try PAFixture.genuine(pki: pki, sod: SODBuilder(signingTime: issue))
        var evidence = PAFixture.evidence(card)
        evidence.dateOfIssue = nil
        let report = Verifier.standard(trust: card.trustStore).verify(evidence)
        #expect(report.status == .verified, "\(report.checks)")
        #expect(report[.documentSignerChain]?.notes.first == .validityCheckedAt("SOD signingTime"))
    }

    @Test func withNoDateAtAllAnExpiredDSIsUnverifiedNotFailed() throws {
        let pki = try TestPKI(
            scheme: .ecdsaP256,
            dsNotBefore: TestPKI.date("2020-01-01"),
            dsNotAfter: TestPKI.date("2022-06-01")
        )
        var builder = SODBuilder()
        builder.signedAttributes = false
        let card = try PAFixture.genuine(pki: pki, sod: builder)
        var evidence = PAFixture.evidence(card)
        #expect(Verifier.standard(trust: card.trustStore).verify(evidence).status == .verified)
        evidence.dateOfIssue = nil
        let report = Verifier.standard(trust: card.trustStore).verify(evidence)
        #expect(report[.sodSignature]?.outcome == .passed)
        #expect(report[.documentSignerChain]?.outcome == .inconclusive)
        #expect(report[.documentSignerChain]?.reason?.contains("not valid now") == true)
        #expect(report.status == .unverified)
    }

    @Test func aCRLNotSignedByTheCSCAIsIgnored() throws {
        let card = try PAFixture.genuine(pki: TestPKI(scheme: .ecdsaP256, dsSerial: 77))
        let other = try IssuedCertificate.csca(
            scheme: .ecdsaP256,
            notBefore: TestPKI.date("2015-01-01"),
            notAfter: TestPKI.date("2045-01-01")
        )
        let forgedCRL = try CRLBuilder.build(issuer: other, revoking: [77])
        let report = PAFixture.verify(card, trust: TrustStore(cscas: card.trustedCSCAs, crls: [forgedCRL]))
        #expect(report.status == .verified)
        #expect(report[.documentSignerChain]?.facts.revocation == .notChecked)
    }

    @Test func aCRLThatDoesNotListTheDSMeansNotRevoked() throws {
        let card = try PAFixture.genuine(pki: TestPKI(scheme: .ecdsaP256, dsSerial: 77))
        let crl = try CRLBuilder.build(issuer: card.pki.csca, revoking: [78, 79])
        let report = PAFixture.verify(card, trust: TrustStore(cscas: card.trustedCSCAs, crls: [crl]))
        #expect(report.status == .verified)
        #expect(report[.documentSignerChain]?.facts.revocation == .notRevoked)
    }
}
