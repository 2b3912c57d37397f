import CardSimulator
import Foundation
import TestBench
import Testing

@testable import ServiceTestSupport

extension DaemonIntegration {
    /// Issue 10 at the daemon: pcscd dying mid-read, thousands of connections, and what the
    /// daemon holds once the abusers are gone. A well-behaved client keeps its answers.
    @Suite(.serialized)
    struct DaemonAbuse {
        @Test func pcscdKilledMidReadFailsTheReadCleanlyAndTheNextReadWorksWithoutARestart() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("le-thi-hong-nhung")
            try await RunningDaemon.withClient { daemon, client in
                try await client.subscribe()
                try await bench.insert(card: Citizens.card(profile, latency: .milliseconds(15)), slot: 0)
                try await client.send(
                    #"{"jsonrpc":"2.0","id":7,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"id":"\#(profile.dg13.idNumber)"}}}"#
                )
                try await client.waitFor("read.progress", seconds: 30)
                await bench.stopPCSCD(signal: SIGKILL)
                let (answer, _) = try await client.waitForResponse(id: 7, seconds: 60)
                let code = try #require(errorCode(answer), "the read cannot have succeeded")
                #expect([1004, 1007, 1008].contains(code), "a clean, classified error: \(answer)")

                try await bench.startPCSCD()
                try await client.waitFor("reader.attached", seconds: 60) {
                    $0["params"]?["name"] == "Virtual PCD 00 00"
                }
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                try await client.waitFor("card.inserted", seconds: 30)
                let (response, _) = try await client.request(
                    8,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                #expect(response["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func twoThousandConnectionsDoNotStopAWellBehavedClientAndLeaveNothingBehind() async throws {
            try await RunningDaemon.with({ $0.maxClients = 256 }) { daemon in
                let good = try await daemon.connect()
                defer { Task { await good.close() } }
                #expect(errorCode(try await good.request(1, "hello").response) == nil)
                let before = residentKB()
                var abusers: [TestClient] = []
                for i in 0..<2000 {
                    if let c = try? await daemon.connect(autoRead: false) { abusers.append(c) }
                    if i % 250 == 0 {
                        #expect(errorCode(try await good.request(100 + i, "readers.list").response) == nil)
                    }
                }
                #expect(abusers.count > 256)
                #expect(daemon.server.connections.count <= 256 + 1)
                #expect(errorCode(try await good.request(3, "hello").response) == nil)
                for c in abusers { await c.close() }
                try await withTimeout(seconds: 30) {
                    while daemon.server.connections.count > 1 { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(errorCode(try await good.request(4, "hello").response) == nil)
                // Memory held by the abusers is released (a generous bound: no per-connection leak).
                let after = residentKB()
                #expect(after < before + 64 * 1024, "RSS \(before) kB before, \(after) kB after")
            }
        }

        @Test func readerDiagnoseOverTheSocket() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.withClient { daemon, client in
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let (response, _) = try await client.request(
                    1,
                    "reader.diagnose",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]],
                    seconds: 60
                )
                let steps = try #require(response["result"]?["steps"]?.arrayValue)
                #expect(steps.contains { $0["id"] == "testRead" && $0["status"] == "ok" })
                #expect(steps.contains { $0["id"] == "latency" && $0["data"]?["medianMs"] != nil })
                #expect(!response.serialized.contains(profile.dg13.fullName), "no personal data unless asked")
            }
        }
    }
}

func residentKB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
        .split(separator: " ").compactMap { Int($0) }.first ?? 0
}
