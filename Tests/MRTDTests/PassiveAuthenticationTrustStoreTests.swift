import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// The trust directory (docs/design.md §9.4): certificates, master lists trusted only after
/// their signature verifies under a CSCA from a plain file (ICAO 9303-12 §8), CRLs.
@Suite struct PassiveAuthenticationTrustStore {
    /// CSCA "A" (another authority, in a plain file) issues the master-list signer; the
    /// list carries the card's CSCA "B".
    static func masterListSetup() throws -> (card: CardFileSet, anchor: IssuedCertificate, list: [UInt8]) {
        let card = try PAFixture.genuine(scheme: .ecdsaP256)
        let anchor = try IssuedCertificate.csca(
            scheme: .rsaPKCS1,
            name: [("C", "UN"), ("CN", "Master List Authority TEST")],
            notBefore: TestPKI.date("2015-01-01"),
            notAfter: TestPKI.date("2045-01-01")
        )
        let signer = try IssuedCertificate.masterListSigner(
            issuedBy: anchor,
            notBefore: TestPKI.date("2020-01-01"),
            notAfter: TestPKI.date("2040-01-01")
        )
        let list = try MasterListBuilder.build(cscas: [card.pki.csca.certificate], signer: signer)
        return (card, anchor, list)
    }

    @Test func pemCertificatesAndCRLsLoadFromADirectory() throws {
        let card = try PAFixture.genuine(scheme: .ecdsaP256)
        let dir = try PAFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var set = card
        set.crls = [try CRLBuilder.build(issuer: card.pki.csca, revoking: [999])]
        try set.writeTrust(to: dir)
        try Data(card.pki.csca.certificate.der).write(to: dir.appendingPathComponent("same-csca.der"))
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("broken.pem"))
        try Data([0x30, 0x03, 0x02]).write(to: dir.appendingPathComponent("truncated.crl"))
        try Data("x".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let store = TrustStore(directory: dir)
        #expect(store.cscas.count == 2)
        #expect(store.crls.count == 1)
        #expect(Set(store.rejected.map(\.file)) == ["broken.pem", "truncated.crl", "notes.txt"])
        let report = PAFixture.verify(card, trust: store)
        #expect(report.status == .verified)
        #expect(report[.documentSignerChain]?.facts.revocation == .notRevoked)
    }

    @Test func aPEMFileWithACertificateAndACRL() throws {
        let pki = try TestPKI(scheme: .ecdsaP256)
        let crl = try CRLBuilder.build(issuer: pki.csca, revoking: [1])
        var store = TrustStore()
        let dir = try PAFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data((pki.csca.certificate.pem + crl.pem).utf8).write(to: dir.appendingPathComponent("bundle.pem"))
        store = TrustStore(directory: dir)
        #expect(store.cscas.count == 1 && store.crls.count == 1)
        #expect(store.rejected.isEmpty)
    }

    @Test func hostileFilesAreRejectedNeverFatal() throws {
        let (_, anchor, list) = try Self.masterListSetup()
        let dir = try PAFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SystemRandomNumberGenerator()
        let der = anchor.certificate.der
        let samples: [(String, [UInt8])] = [
            ("empty.pem", []), ("empty.ml", []), ("empty.crl", []),
            ("random.der", (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }),
            ("random.ml", (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }),
            ("half-cert.der", Array(der.prefix(der.count / 2))),
            ("half-list.ml", Array(list.prefix(list.count / 2))),
            ("cert-as-list.ml", der),
            ("list-as-cert.cer", list),
            ("pem-garbage.pem", Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)),
        ]
        for (name, bytes) in samples { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("subdir.pem"),
            withIntermediateDirectories: true
        )
        let store = TrustStore(directory: dir)
        #expect(store.cscas.isEmpty && store.crls.isEmpty)
        #expect(Set(store.rejected.map(\.file)) == Set(samples.map(\.0)))
        for n in stride(from: 0, to: list.count, by: 97) {
            #expect(throws: PKIError.self) { try CSCAMasterList(Array(list.prefix(n)), anchors: [anchor.certificate]) }
        }
    }

    @Test func aMissingDirectoryIsAnEmptyStore() {
        let store = TrustStore(directory: URL(fileURLWithPath: "/nonexistent/cancuoc-trust"))
        #expect(store.cscas.isEmpty && store.rejected.isEmpty)
    }

    @Test func aMasterListAsTheOnlySourceOfTheCardsCSCA() throws {
        let (card, anchor, list) = try Self.masterListSetup()
        let dir = try PAFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrustDirectory.write(to: dir, cscas: [anchor.certificate], masterLists: [list])
        let store = TrustStore(directory: dir)
        #expect(store.rejected.isEmpty, "\(store.rejected)")
        #expect(store.entries.contains { $0.kind == .masterList && $0.subjects.count == 1 })
        #expect(PAFixture.verify(card, trust: store).status == .verified)
    }

    @Test func aMasterListWhoseSignatureDoesNotVerifyIsRejected() throws {
        let (card, anchor, list) = try Self.masterListSetup()
        // Flip a byte inside the listed CSCA certificate: the content no longer matches
        // the signed messageDigest.
        let cert = card.pki.csca.certificate.der
        let at = try #require(ForgeryKit.find(cert, in: list))
        var tampered = list
        tampered[at + cert.count - 5] ^= 0x01
        let dir = try PAFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrustDirectory.write(to: dir, cscas: [anchor.certificate], masterLists: [tampered])
        let store = TrustStore(directory: dir)
        #expect(store.rejected.map(\.file) == ["masterlist-1.ml"])
        #expect(store.rejected.first?.reason.contains("signature") == true)
        #expect(store.cscas.count == 1)
        #expect(PAFixture.verify(card, trust: store).status == .unverified)
    }

    @Test func aMasterListFromAnUntrustedSignerIsRejected() throws {
        let (card, _, list) = try Self.masterListSetup()
        let dir = try PAFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try TrustDirectory.write(to: dir, masterLists: [list])
        let store = TrustStore(directory: dir)
        #expect(store.rejected.first?.reason.contains("untrusted") == true)
        #expect(PAFixture.verify(card, trust: store).status == .unverified)
    }

    @Test func aMasterListSignedByItsOwnListedCSCAIsNotSelfTrusting() throws {
        let card = try PAFixture.genuine(scheme: .ecdsaP256)
        let signer = try IssuedCertificate.masterListSigner(
            issuedBy: card.pki.csca,
            notBefore: TestPKI.date("2020-01-01"),
            notAfter: TestPKI.date("2040-01-01")
        )
        let list = try MasterListBuilder.build(cscas: [card.pki.csca.certificate], signer: signer)
        var store = TrustStore()
        store.addMasterList(list, file: "self.ml")
        #expect(store.cscas.isEmpty)
        #expect(store.rejected.count == 1)
    }
}
