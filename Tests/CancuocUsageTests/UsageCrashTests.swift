import Foundation
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A writer SIGKILLed in the middle of a burst: the database opens cleanly and every event
/// the writer reported as committed is there.
@Suite(.timeLimit(.minutes(2))) struct UsageCrashTests {
    @Test func aWriterKilledDuringABurstLosesNoCommittedEvent() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        for round in 1...3 {
            let target = 150 * round
            let (lastCommitted, killed) = try await Self.burstUntilKilled(path: path, target: target)
            #expect(killed)
            let store = try UsageStore(path: path)
            #expect(try store.integrityCheck() == "ok")
            let counts = try store.counts()
            #expect(counts.events >= lastCommitted, "round \(round): \(counts) < committed \(lastCommitted)")
            #expect(counts.events == counts.rolledUp, "events and roll-ups are written in one transaction")
            #expect(counts.events % 7 == 0, "no half transaction")
            let ids = try store.eventIDs()
            #expect(ids == Array(1...Int64(ids.count)), "no hole in the committed events")
        }
    }

    /// Runs the writer, SIGKILLs it once `target` events are reported committed, and returns
    /// the last count it reported and whether it died of the signal. On a thread of its own:
    /// the blocking pipe reads must not hold a cooperative-pool thread.
    static func burstUntilKilled(path: String, target: Int) async throws -> (Int, Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = cancuocBinary
                        process.arguments = ["usage-stress", "--db", path, "--batch", "7"]
                        let out = Pipe()
                        process.standardOutput = out
                        process.standardError = FileHandle.nullDevice
                        try process.run()
                        var lastCommitted = 0
                        var buffer = Data()
                        readLoop: while true {
                            let chunk = out.fileHandleForReading.availableData
                            if chunk.isEmpty { break }
                            buffer.append(chunk)
                            while let nl = buffer.firstIndex(of: 0x0A) {
                                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                                buffer.removeSubrange(buffer.startIndex...nl)
                                if let n = Int(line.replacingOccurrences(of: "committed ", with: "")) {
                                    lastCommitted = n
                                }
                                if lastCommitted >= target {
                                    kill(process.processIdentifier, SIGKILL)
                                    break readLoop
                                }
                            }
                        }
                        process.waitUntilExit()
                        return (
                            lastCommitted,
                            process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
                        )
                    }
                )
            }.start()
        }
    }
}
