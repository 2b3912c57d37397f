import CardSimulator
import Foundation
import MRTD
import Testing

@testable import TrustUpdate

/// `cancuoc trust fetch-crls`' engine against a real HTTP server on the loopback: what it
/// installs, what it refuses, and that the trust directory the daemon watches only ever holds
/// whole files.
@Suite("CRL update over HTTP")
struct CRLUpdaterTests {
    let pki: TestPKI
    let crls: TestCRLs
    let trust: URL
    let server: LoopbackHTTPServer

    init() throws {
        pki = try TestPKI()
        crls = try TestCRLs(pki: pki)
        trust = FileManager.default.temporaryDirectory.appendingPathComponent("crl-update-\(UUID())")
        try TrustDirectory.write(to: trust, cscas: [pki.csca.certificate])
        server = try LoopbackHTTPServer()
    }

    func updater(_ paths: [String], timeout: Duration = .seconds(10), maxBytes: Int = 1 << 20) -> CRLUpdater {
        CRLUpdater(
            sources: paths.map(server.url),
            trustDirectory: trust.path,
            download: CRLDownload(timeout: timeout, maxBytes: maxBytes)
        )
    }

    var fetched: URL { trust.appendingPathComponent(CRLUpdater.subdirectory) }
    func fetchedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fetched.path)) ?? []).sorted()
    }
    func store() -> TrustStore { TrustStore(directory: trust) }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(at: trust)
    }

    @Test func aCRLListingTheDocumentSignerIsInstalledAndRevokesIt() async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, crls.revokingDocumentSigner.der))
        #expect(!store().crls.contains { $0.revokes(pki.documentSigner.certificate) })
        let results = await updater(["/csca.crl"]).run()
        let outcome = try #require(results.first?.outcomes.first)
        guard case .installed(let file, _, let expired) = outcome else {
            Issue.record("not installed: \(outcome)")
            return
        }
        #expect(!expired)
        #expect(file == crls.revokingDocumentSigner.issuerHash + ".crl")
        // Only the CRL, no temporary file left beside it, readable by the daemon's user.
        #expect(fetchedFiles() == [file])
        let attributes = try FileManager.default.attributesOfItem(atPath: fetched.appendingPathComponent(file).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        let now = store()
        #expect(now.rejected.isEmpty)
        #expect(now.crls.contains { $0.revokes(pki.documentSigner.certificate) })
    }

    @Test func pemIsAcceptedLikeDER() async throws {
        defer { cleanUp() }
        server.set("/csca.pem", .body(status: 200, Array(crls.current.pem.utf8)))
        let outcome = try #require(await updater(["/csca.pem"]).run().first?.outcomes.first)
        #expect(outcome.succeeded)
        #expect(store().crls.map(\.der) == [crls.current.der])
    }

    @Test func aCRLSignedByAnotherKeyIsRefusedAndNothingIsWritten() async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, crls.foreign.der))
        let outcome = try #require(await updater(["/csca.crl"]).run().first?.outcomes.first)
        guard case .refused(let refusal) = outcome else {
            Issue.record("not refused: \(outcome)")
            return
        }
        #expect(refusal == .badSignature)
        #expect(refusal.description.contains("Chữ ký của CRL không hợp lệ"))
        #expect(refusal.description.contains("signature does not verify"))
        #expect(fetchedFiles().isEmpty)
        #expect(store().crls.isEmpty)
    }

    @Test func aCRLOfAnUntrustedCSCAIsRefused() async throws {
        defer { cleanUp() }
        let other = try IssuedCertificate.csca(
            name: [("C", "XX"), ("CN", "CSCA elsewhere TEST")],
            notBefore: TestPKI.date("2015-01-01"),
            notAfter: TestPKI.date("2045-01-01")
        )
        server.set("/other.crl", .body(status: 200, try CRLBuilder.build(issuer: other, revoking: [100]).der))
        let outcome = try #require(await updater(["/other.crl"]).run().first?.outcomes.first)
        guard case .refused(.foreignIssuer) = outcome else {
            Issue.record("not refused as foreign: \(outcome)")
            return
        }
        #expect(fetchedFiles().isEmpty)
    }

    @Test(arguments: [
        Array("<html><body>Maintenance</body></html>".utf8), [0x30, 0x82, 0xFF, 0xFF, 0x01], [],
        Array("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n".utf8),
    ])
    func somethingElseThanACRLIsRefusedAsMalformed(body: [UInt8]) async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, body))
        let outcome = try #require(await updater(["/csca.crl"]).run().first?.outcomes.first)
        guard case .refused(.malformed) = outcome else {
            Issue.record("not refused as malformed: \(outcome)")
            return
        }
        #expect(fetchedFiles().isEmpty)
    }

    @Test func anOlderCRLDoesNotReplaceANewerOne() async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, crls.revokingDocumentSigner.der))
        #expect(try #require(await updater(["/csca.crl"]).run().first?.outcomes.first).succeeded)
        let file = fetched.appendingPathComponent(crls.revokingDocumentSigner.issuerHash + ".crl")
        let before = try Data(contentsOf: file)
        // The mirror (or someone in between) serves last month's CRL, which did not list the DS.
        server.set("/csca.crl", .body(status: 200, crls.expired.der))
        let outcome = try #require(await updater(["/csca.crl"]).run().first?.outcomes.first)
        guard case .refused(.olderThanInstalled) = outcome else {
            Issue.record("rollback not refused: \(outcome)")
            return
        }
        #expect(try Data(contentsOf: file) == before)
        #expect(store().crls.contains { $0.revokes(pki.documentSigner.certificate) })
    }

    @Test func aNewerCRLReplacesTheInstalledOneAndTheSameOneIsUnchanged() async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, crls.current.der))
        #expect(try #require(await updater(["/csca.crl"]).run().first?.outcomes.first).succeeded)
        server.set("/csca.crl", .body(status: 200, crls.revokingDocumentSigner.der))
        let second = try #require(await updater(["/csca.crl"]).run().first?.outcomes.first)
        guard case .installed = second else {
            Issue.record("newer not installed: \(second)")
            return
        }
        #expect(fetchedFiles().count == 1)
        #expect(store().crls.map(\.der) == [crls.revokingDocumentSigner.der])
        let third = try #require(await updater(["/csca.crl"]).run().first?.outcomes.first)
        guard case .unchanged = third else {
            Issue.record("same CRL not reported unchanged: \(third)")
            return
        }
    }

    @Test func anExpiredCRLIsInstalledWhenItIsTheNewestAndSaidToBeExpired() async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, crls.expired.der))
        let outcome = try #require(await updater(["/csca.crl"]).run().first?.outcomes.first)
        guard case .installed(_, _, let expired) = outcome else {
            Issue.record("not installed: \(outcome)")
            return
        }
        #expect(expired)
    }

    @Test func anAnswerLargerThanTheLimitIsCutOff() async throws {
        defer { cleanUp() }
        server.set("/big.crl", .body(status: 200, [UInt8](repeating: 0x30, count: 300_000)))
        let outcome = try #require(await updater(["/big.crl"], maxBytes: 100_000).run().first?.outcomes.first)
        guard case .downloadFailed(.tooLarge(100_000)) = outcome else {
            Issue.record("not refused as too large: \(outcome)")
            return
        }
        #expect(fetchedFiles().isEmpty)
    }

    @Test func anUnannouncedAnswerIsCutOffAtTheLimitToo() async throws {
        defer { cleanUp() }
        server.set("/big.crl", .unannounced([UInt8](repeating: 0x30, count: 300_000)))
        let outcome = try #require(await updater(["/big.crl"], maxBytes: 100_000).run().first?.outcomes.first)
        guard case .downloadFailed(.tooLarge(100_000)) = outcome else {
            Issue.record("not refused as too large: \(outcome)")
            return
        }
        // Without Content-Length a CRL within the limit still arrives whole.
        server.set("/csca.crl", .unannounced(crls.current.der))
        #expect(try #require(await updater(["/csca.crl"]).run().first?.outcomes.first).succeeded)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        defer { cleanUp() }
        server.set("/slow.crl", .stall)
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try #require(await updater(["/slow.crl"], timeout: .seconds(2)).run().first?.outcomes.first)
        guard case .downloadFailed(.timedOut) = outcome else {
            Issue.record("not a timeout: \(outcome)")
            return
        }
        // A guard against hanging, not a measurement: the test process's threads can be busy
        // for a minute with other suites (docs/design.md §10).
        #expect(clock.now - start < .seconds(300))
    }

    @Test func anHTTPErrorIsReportedAndOtherURLsStillRun() async throws {
        defer { cleanUp() }
        server.set("/csca.crl", .body(status: 200, crls.current.der))
        let results = await updater(["/missing.crl", "/csca.crl"]).run()
        #expect(results.count == 2)
        guard case .downloadFailed(.httpStatus(404)) = try #require(results.first?.outcomes.first) else {
            Issue.record("404 not reported: \(results)")
            return
        }
        #expect(try #require(results.last?.outcomes.first).succeeded)
    }

    @Test func logsShowTheURLWithoutCredentialsOrQuery() throws {
        let url = try #require(URL(string: "https://user:secret@crl.soyte.example/csca.crl?token=abc"))
        #expect(CRLUpdater.redacted(url) == "https://crl.soyte.example/csca.crl")
    }
}
