import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CancuocServer
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// An upgrade restarts the daemon during clinic hours (docs/fleet.md): the read in flight
    /// finishes, a request sent meanwhile is refused with a retryable error, then the
    /// connection closes.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct DaemonShutdownGrace {
        @Test func stoppingLetsTheReadInFlightFinishAndRefusesNewRequests() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            await bench.removeAll()
            let daemon = try await RunningDaemon.start()
            let client = try await daemon.connect()
            // 100 ms of latency: the read lasts long enough to be in flight, within the grace.
            try await bench.insert(card: Citizens.card(profile, latency: .milliseconds(100)), slot: 0)
            try await client.send(
                #"{"jsonrpc":"2.0","id":1,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"id":"\#(profile.dg13.idNumber)"},"waitForCardSeconds":30}}"#
            )
            try await withTimeout {
                while true {
                    if let session = await daemon.core.registry.all.first, await session.isReading { return }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let started = ContinuousClock.now
            let stopping = Task { await daemon.stop() }
            try await Task.sleep(for: .milliseconds(50))
            try await client.send(#"{"jsonrpc":"2.0","id":2,"method":"hello"}"#)
            let answers = try await withTimeout(seconds: 30) {
                var collected: [Int64: JSONValue] = [:]
                while collected.count < 2 {
                    let message = try await client.nextMessage()
                    if let id = message["id"]?.int64Value { collected[id] = message }
                }
                return collected
            }
            #expect(
                answers[1]?["error"] == nil,
                "the read in flight finished: \(String(describing: answers[1]?["error"]))"
            )
            #expect(answers[1]?["result"]?["verification"] != nil)
            #expect(errorCode(answers[2] ?? .null) == -32000)
            #expect(answers[2]?["error"]?["data"]?["stopping"] == .bool(true), "\(String(describing: answers[2]))")
            #expect(await client.nextLine() == nil, "then the connection closes")
            await stopping.value
            let stopped = ContinuousClock.now - started
            #expect(stopped < .seconds(6), "the read finished within the grace: stopped after \(stopped)")
            await bench.remove(slot: 0)
        }
    }
}
