import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// `read.identity` and `skipFace` over the real socket (docs/design.md §5).
    @Suite(.serialized)
    struct DaemonIdentityFirst {
        @Test func theCallerGetsTheIdentityBeforeTheRecordAndNobodyElseDoes() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("le-thi-hong-nhung")
            try await RunningDaemon.with { daemon in
                let reception = try await daemon.connect()
                let observer = try await daemon.connect()
                defer {
                    Task {
                        await reception.close()
                        await observer.close()
                    }
                }
                try await observer.subscribe()
                try await bench.insert(card: SimulatedCCCD.make(profile: profile, options: .shortOnly), slot: 0)
                let (response, notes) = try await reception.request(
                    2,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                let record = try #require(response["result"])
                let identities = notes.filter { $0["method"]?.stringValue == "read.identity" }
                #expect(identities.count == 1)
                let identity = try #require(identities.first?["params"])
                #expect(identity["reader"]?.stringValue == "Virtual PCD 00 00")
                #expect(identity["record"]?["person"] == record["person"])
                #expect(identity["record"]?["face"] == .null)
                #expect(identity["record"]?["faceStatus"]?.stringValue == "pending")
                #expect(identity["record"]?["verification"]?["status"] == record["verification"]?["status"])
                #expect(record["faceStatus"]?.stringValue == "read")
                // Taken before the face was read (it is verified beside the read, so on this
                // instant simulator its line may follow DG2's progress line; always the result's).
                let identityFiles =
                    identity["record"]?["stats"]?["files"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(
                    identityFiles.contains("SOD") && identityFiles.contains("DG13") && !identityFiles.contains("DG2")
                )

                let (_, lines) = try await observer.waitFor("read.completed")
                let seen = lines.joined(separator: "\n")
                #expect(!seen.contains("read.identity"))
                #expect(!seen.contains(profile.dg13.idNumber))
            }
        }

        @Test func skipFaceNeverReadsTheFaceAndConflictsWithIncludeFace() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.withClient { daemon, client in
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                let (both, _) = try await client.request(
                    1,
                    "card.read",
                    ["key": key, "includeFace": true, "skipFace": true]
                )
                #expect(errorCode(both) == -32602)

                let (response, notes) = try await client.request(2, "card.read", ["key": key, "skipFace": true])
                let record = try #require(response["result"])
                #expect(record["face"] == .null)
                #expect(record["faceStatus"]?.stringValue == "skipped")
                #expect(record["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
                let files = record["stats"]?["files"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(!files.contains("DG2") && files.contains("DG13"))
                #expect(!notes.contains { $0["params"]?["step"]?.stringValue == "DG2" })
                #expect(notes.filter { $0["method"]?.stringValue == "read.identity" }.count == 1)
            }
        }
    }
}
