import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI

extension DaemonIntegration {
    /// The inventory counts what the daemon did, and holds no personal data (docs/inventory.md).
    @Suite struct DaemonUsage {
        @Test func readsThroughTheDaemonAreCountedAndNoPersonalDataReachesTheUsageLog() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("le-thi-hong-nhung")
            try await RunningDaemon.withClient { daemon, client in
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                let ok = try await client.request(1, "card.read", ["reader": "Virtual PCD 00 00", "key": key]).response
                #expect(ok["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
                let wrong = try await client.request(
                    2,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["can": "000000"]]
                ).response
                #expect(errorCode(wrong) == 1003)
                await daemon.usage.flush()

                let summary = try #require(try await client.request(3, "inventory.summary").response["result"])
                let text = summary.serialized
                #expect(text.contains("TEST-01"))
                #expect(text.contains("Virtual PCD 00 00"))
                let report = await daemon.usage.summary()
                let reads = report.readers.first { $0.id == "Virtual PCD 00 00" }
                #expect(reads?.usage.last30Days.reads == 2)
                #expect(reads?.usage.last30Days.ok == 1)

                // Search every byte the usage log wrote for the citizen's data.
                let personal = [
                    profile.dg13.idNumber, profile.dg13.fullName, profile.dg13.dateOfBirth,
                    String(profile.dg13.idNumber.suffix(6)), profile.mrz[0],
                ]
                let files = (try FileManager.default.contentsOfDirectory(atPath: daemon.directory)).filter {
                    $0.hasPrefix("usage.sqlite")
                }
                #expect(!files.isEmpty)
                for file in files {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.directory + "/" + file))
                    for value in personal {
                        #expect(bytes.range(of: Data(value.utf8)) == nil, "\(file) holds personal data")
                    }
                }
                for value in personal { #expect(!text.contains(value), "inventory.summary holds personal data") }
            }
        }
    }
}
