import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// `reader.diagnose`'s test read is a read like `card.read`: under the reader's claim, the
    /// one deadline, counted in the usage log (docs/design.md §11).
    @Suite(.serialized)
    struct DiagnoseIsARead {
        @Test func aDiagnosisAskedDuringAReadIsRefusedLikeASecondRead() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.with { daemon in
                let reading = try await daemon.connect()
                let diagnosing = try await daemon.connect()
                defer {
                    Task {
                        await reading.close()
                        await diagnosing.close()
                    }
                }
                try await bench.insert(card: Citizens.card(profile, latency: .milliseconds(10)), slot: 0)
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                try await reading.send(
                    #"{"jsonrpc":"2.0","id":7,"method":"card.read","params":{"key":\#(key.serialized),"reader":"Virtual PCD 00 00"}}"#
                )
                try await reading.waitFor("read.progress")
                let (busy, _) = try await diagnosing.request(
                    8,
                    "reader.diagnose",
                    ["reader": "Virtual PCD 00 00", "key": key]
                )
                #expect(errorCode(busy) == 1005)
                #expect(errorReason(busy) == "readerBusy")
                var response: JSONValue = .null
                while response["id"]?.intValue != 7 {
                    response = try await withTimeout { try await reading.nextMessage() }
                }
                #expect(response["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func aDiagnosisTestReadIsCountedInTheUsageLogAndAnnouncedToSubscribers() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("le-thi-hong-nhung")
            try await RunningDaemon.with { daemon in
                let technician = try await daemon.connect()
                let watcher = try await daemon.connect()
                defer {
                    Task {
                        await technician.close()
                        await watcher.close()
                    }
                }
                try await watcher.subscribe()
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let before = await daemon.usage.summary().readers.first { $0.id == "Virtual PCD 00 00" }
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                let report = try await technician.request(
                    2,
                    "reader.diagnose",
                    ["reader": "Virtual PCD 00 00", "key": key]
                ).response
                let steps = report["result"]?["steps"]?.arrayValue ?? []
                let testRead = steps.first { $0["id"]?.stringValue == "testRead" }
                #expect(testRead?["status"]?.stringValue == "ok")
                let completed = try await watcher.waitFor("read.completed").message
                #expect(completed["params"]?["outcome"]?.stringValue == "ok")
                await daemon.usage.flush()
                let after = await daemon.usage.summary().readers.first { $0.id == "Virtual PCD 00 00" }
                #expect(
                    (after?.usage.last30Days.ok ?? 0) == (before?.usage.last30Days.ok ?? 0) + 1,
                    "the diagnosis's test read is one more successful read in the usage log"
                )
            }
        }
    }
}
