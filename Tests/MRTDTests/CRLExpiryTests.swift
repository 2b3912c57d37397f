import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// A CRL past its nextUpdate is reported in words, not silently used (docs/fleet.md).
@Suite struct CRLExpiryTests {
    @Test func anExpiredCRLIsReportedAndNotUsedToSayNotRevoked() throws {
        let card = try PAFixture.genuine(pki: TestPKI(scheme: .ecdsaP256, dsSerial: 77))
        let expiry = Date().addingTimeInterval(-2 * 86_400)
        let crl = try CRLBuilder.build(
            issuer: card.pki.csca,
            revoking: [78],
            thisUpdate: expiry.addingTimeInterval(-30 * 86_400),
            nextUpdate: expiry
        )
        #expect(abs((crl.nextUpdate ?? .distantPast).timeIntervalSince(expiry)) < 2)
        let report = PAFixture.verify(card, trust: TrustStore(cscas: card.trustedCSCAs, crls: [crl]))
        let chain = report[.documentSignerChain]
        #expect(chain?.facts.revocation == .notChecked)
        let day = String(ISO8601DateFormatter().string(from: expiry).prefix(10))
        #expect(chain?.notes.map(\.description).contains("revocation not checked: the CRL expired on \(day)") == true)
        #expect(report.status == .verified)
    }

    @Test func anExpiredCRLThatListsTheDSStillRefusesIt() throws {
        let card = try PAFixture.genuine(pki: TestPKI(scheme: .ecdsaP256, dsSerial: 77))
        let crl = try CRLBuilder.build(
            issuer: card.pki.csca,
            revoking: [77],
            thisUpdate: Date().addingTimeInterval(-40 * 86_400),
            nextUpdate: Date().addingTimeInterval(-10 * 86_400)
        )
        let report = PAFixture.verify(card, trust: TrustStore(cscas: card.trustedCSCAs, crls: [crl]))
        #expect(report[.documentSignerChain]?.outcome == .failed)
        #expect(report[.documentSignerChain]?.facts.revocation == .revoked)
    }

    @Test func aFreshCRLBesideAnExpiredOneIsUsed() throws {
        let card = try PAFixture.genuine(pki: TestPKI(scheme: .ecdsaP256, dsSerial: 77))
        let old = try CRLBuilder.build(
            issuer: card.pki.csca,
            revoking: [],
            thisUpdate: Date().addingTimeInterval(-40 * 86_400),
            nextUpdate: Date().addingTimeInterval(-10 * 86_400)
        )
        let fresh = try CRLBuilder.build(issuer: card.pki.csca, revoking: [78])
        let report = PAFixture.verify(card, trust: TrustStore(cscas: card.trustedCSCAs, crls: [old, fresh]))
        #expect(report[.documentSignerChain]?.facts.revocation == .notRevoked)
        #expect(!(report[.documentSignerChain]?.notes.map(\.description).joined().contains("expired") ?? true))
    }
}
