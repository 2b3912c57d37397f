import CardSimulator
import Foundation
import TestBench
import Testing

@testable import ServiceTestSupport

extension DaemonIntegration {
    /// What happens when things go wrong around a read: pcscd restarts, clients leave, chips
    /// are slow. Same bench as `DaemonOverSocket`.
    @Suite(.serialized)
    struct DaemonResilience {
        @Test func aReadThatOutlivesItsTimeoutIsError1008() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.withClient({ $0.readTimeoutSeconds = 0.1 }) { daemon, client in
                try await bench.insert(card: Citizens.card(profile, latency: .milliseconds(30)), slot: 0)
                let (response, _) = try await client.request(
                    1,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                #expect(errorCode(response) == 1008)
                #expect(errorReason(response) == "timeout")
                // The reader is free again once the abandoned read has ended.
                try await withTimeout {
                    while try await client.request(2, "readers.list").response["result"]?["readers"]?[0]?["busy"]
                        == .bool(true)
                    {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
        }

        @Test func aClientThatLeavesCancelsItsReadAndFreesTheReader() async throws {
            let bench = try await PCSCBench.shared()
            await bench.remove(slot: 0)
            try await RunningDaemon.with { daemon in
                let leaving = try await daemon.connect()
                try await leaving.send(
                    #"{"jsonrpc":"2.0","id":1,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"can":"123456"},"waitForCardSeconds":60}}"#
                )
                let other = try await daemon.connect()
                defer { Task { await other.close() } }
                try await withTimeout {
                    while try await other.request(2, "readers.list").response["result"]?["readers"]?[0]?["busy"]
                        != .bool(true)
                    {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                await leaving.close()
                try await withTimeout(seconds: 60) {
                    while try await other.request(3, "readers.list").response["result"]?["readers"]?[0]?["busy"]
                        == .bool(true)
                    {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                let (response, _) = try await other.request(
                    4,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["can": "123456"]]
                )
                #expect(errorReason(response) == "noCard")
            }
        }

        @Test func readersComeBackAfterAPCSCDRestartAndReadsWorkAgain() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("hoang-van-thach")
            try await RunningDaemon.withClient { daemon, client in
                try await client.subscribe()
                try await bench.restartPCSCD()
                try await client.waitFor("reader.detached", seconds: 30)
                try await client.waitFor("reader.attached", seconds: 30) {
                    $0["params"]?["name"] == "Virtual PCD 00 00"
                }

                try await bench.insert(card: Citizens.card(profile), slot: 0)
                try await client.waitFor("card.inserted", seconds: 30)
                let (response, _) = try await client.request(
                    5,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                #expect(response["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }
    }
}
