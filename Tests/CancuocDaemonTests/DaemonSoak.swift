import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// `make soak` (SOAK=1): 10,000 verified reads through the real cancuocd over its socket,
    /// resident memory sampled every 1,000: it must level off, not grow with the reads.
    @Suite(.serialized, .timeLimit(.minutes(30)))
    struct DaemonSoak {
        static let reads = Int(ProcessInfo.processInfo.environment["SOAK_READS"] ?? "") ?? 10_000

        @Test(.enabled(if: ProcessInfo.processInfo.environment["SOAK"] == "1"))
        func tenThousandReadsKeepMemoryFlat() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await bench.insert(card: Citizens.card(profile), slot: 0)
            let daemon = try await DaemonProcess.start()
            let client = try await TestClient.connect(to: daemon.socket)
            var samples: [Int] = [daemon.residentKiB]
            var threads: [Int] = [daemon.threads]
            var failures = 0
            let start = ContinuousClock.now
            for index in 1...Self.reads {
                let (response, _) = try await client.request(
                    index,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                if response["result"]?["person"]?["idNumber"]?.stringValue != profile.dg13.idNumber { failures += 1 }
                if index % 1000 == 0 {
                    samples.append(daemon.residentKiB)
                    threads.append(daemon.threads)
                }
            }
            let elapsed = ContinuousClock.now - start
            await client.close()
            _ = await daemon.stop()
            print(
                "soak: \(Self.reads) reads in \(elapsed), \(failures) failed; cancuocd RSS KiB at 0, 1000, 2000, …: \(samples); threads \(threads)"
            )
            #expect(failures == 0)
            let steady = samples.dropFirst(2)
            #expect((steady.max() ?? 0) - (steady.min() ?? 0) < 8 * 1024, "RSS levels off after warm-up: \(samples)")
        }
    }
}
