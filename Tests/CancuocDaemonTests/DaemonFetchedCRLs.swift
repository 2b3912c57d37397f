import CardSimulator
import Foundation
import MRTD
import TestBench
import Testing

@testable import CancuocAPI

extension DaemonIntegration {
    /// CRLs installed by `cancuoc trust fetch-crls` into the trust directory's `fetched-crls/`
    /// while the daemon runs (docs/fleet.md § 6a): the next read uses them, and the inventory
    /// reports the newest CRL's dates.
    @Suite struct DaemonFetchedCRLs {
        @Test func aCRLListingTheDocumentSignerTurnsTheNextReadFailedAndTheInventoryShowsIt() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            let card = try SimulatedCCCD.build(profile: profile)
            let crls = try TestCRLs(pki: card.fileSet.pki)
            let trust = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-crl-\(UUID())")
            defer { try? FileManager.default.removeItem(at: trust) }
            try card.writeTrust(to: trust)
            let fetched = trust.appendingPathComponent("fetched-crls")
            try FileManager.default.createDirectory(at: fetched, withIntermediateDirectories: true)
            try Data(crls.current.pem.utf8).write(to: fetched.appendingPathComponent("current.crl"))

            try await RunningDaemon.withClient({ $0.trustDirectory = trust.path }) { _, client in
                try await bench.insert(card: card.handler, slot: 0)
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                let params: JSONValue = ["reader": "Virtual PCD 00 00", "key": key, "skipFace": true]
                let before = try await client.request(1, "card.read", params).response
                #expect(before["result"]?["verification"]?["status"]?.stringValue == "verified")

                let summary = try #require(try await client.request(2, "inventory.summary").response["result"])
                #expect(summary["trust"]?["cscas"] == .int(1))
                #expect(summary["trust"]?["newestCRLIssued"]?.stringValue != nil)

                // What the timer's service does: the new CRL replaces the old one whole.
                try FileManager.default.removeItem(at: fetched.appendingPathComponent("current.crl"))
                try Data(crls.revokingDocumentSigner.pem.utf8).write(
                    to: fetched.appendingPathComponent("current.crl"),
                    options: .atomic
                )
                let after = try await client.request(3, "card.read", params).response
                #expect(after["result"]?["verification"]?["status"]?.stringValue == "failed")
                #expect(
                    after["result"]?["verification"]?["passive"]?["reason"]?.stringValue?.contains("revoked") == true
                )
            }
        }
    }
}
