import CardSimulator
import Foundation
import MRTD
import Testing

@testable import CancuocUsage

/// The clinic's trust in the inventory and the metrics: CSCAs, the newest CRL, trust packages.
@Suite("Trust in the inventory")
struct TrustInventoryTests {
    @Test func theNewestVerifiedCRLAndThePackagesAreReported() throws {
        let pki = try TestPKI()
        let crls = try TestCRLs(pki: pki)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trust-inventory-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let trust = root.appendingPathComponent("trust")
        let packages = root.appendingPathComponent("share/")
        // A trust package as `cancuoc trust package` installs it: files + .version, linked in.
        let package = packages.appendingPathComponent("cancuoc-trust-test")
        try TrustDirectory.write(to: package, cscas: [pki.csca.certificate])
        try Data("2026.12.1\n".utf8).write(to: package.appendingPathComponent(TrustInventory.versionFile))
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: trust.appendingPathComponent("cancuoc-trust-test").path,
            withDestinationPath: package.path
        )
        // Fetched CRLs: an older and a newer one of the CSCA, and a forged one (ignored).
        let fetched = trust.appendingPathComponent("fetched-crls")
        try FileManager.default.createDirectory(at: fetched, withIntermediateDirectories: true)
        try Data(crls.expired.der).write(to: fetched.appendingPathComponent("a.crl"))
        try Data(crls.current.der).write(to: fetched.appendingPathComponent("b.crl"))
        try Data(crls.foreign.der).write(to: fetched.appendingPathComponent("c.crl"))

        let inventory = TrustInventory(directory: trust.path, packageRoot: packages.path)
        #expect(inventory.cscas == 1)
        #expect(inventory.newestCRLIssued == crls.current.thisUpdate)
        #expect(inventory.newestCRLNextUpdate == crls.current.nextUpdate)
        #expect(inventory.packages == [.init(name: "cancuoc-trust-test", version: "2026.12.1")])
        #expect(!inventory.crlStale(at: Date()))

        var snapshot = UsageMetricsSnapshot()
        snapshot.trust = inventory
        let text = MetricsTextfileWriter.render(snapshot, lostEvents: 0, pcscUp: true)
        #expect(text.contains("\(InventoryMetric.trustCSCAs) 1\n"))
        let issued = Int(try #require(crls.current.thisUpdate).timeIntervalSince1970.rounded())
        #expect(text.contains("\(InventoryMetric.trustCRLIssued) \(issued)\n"))
        #expect(
            text.contains(#"\#(InventoryMetric.trustPackageInfo){package="cancuoc-trust-test",version="2026.12.1"} 1"#)
        )
        let line = inventory.sentence(now: Date())
        #expect(line.contains("newest CRL") && line.contains("cancuoc-trust-test 2026.12.1"))
    }

    @Test func noCRLIsStaleAndSaidSo() {
        let inventory = TrustInventory(directory: "/nonexistent/trust")
        #expect(inventory.cscas == 0)
        #expect(inventory.newestCRLIssued == nil)
        #expect(inventory.crlStale(at: Date()))
        #expect(inventory.sentence(now: Date()).contains("no CRL"))
        var snapshot = UsageMetricsSnapshot()
        snapshot.trust = inventory
        let text = MetricsTextfileWriter.render(snapshot, lostEvents: 0, pcscUp: true)
        #expect(text.contains("\(InventoryMetric.trustCSCAs) 0\n"))
        #expect(!text.contains(InventoryMetric.trustCRLIssued + " "))
    }

    @Test func theReportCarriesTrustInJSON() throws {
        var report = InventoryReport(
            format: InventoryReport.currentFormat,
            facility: .init(id: "79001", name: nil),
            generatedAt: Date(timeIntervalSince1970: 1_790_000_000),
            software: "test",
            retentionDays: 90,
            lostEvents: 0,
            readers: [],
            totals: .empty
        )
        report.trust = TrustInventory(
            cscas: 2,
            newestCRLIssued: Date(timeIntervalSince1970: 1_789_000_000),
            newestCRLNextUpdate: Date(timeIntervalSince1970: 1_789_500_000),
            packages: []
        )
        let decoded = try InventoryReport.decode(try report.jsonData())
        #expect(decoded.trust == report.trust)
        #expect(report.table().contains("⚠ hết hạn / expired"))
    }
}
