#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

@testable import CancuocService

/// A writer SIGKILLed in the middle of a burst: the database opens cleanly and every event
/// the writer reported as committed is there.
@Suite(.timeLimit(.minutes(2))) struct UsageCrashTests {
    @Test func aWriterKilledDuringABurstLosesNoCommittedEvent() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        for round in 1...3 {
            let process = Process()
            process.executableURL = cancuocBinary
            process.arguments = ["usage-stress", "--db", path, "--batch", "7"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var lastCommitted = 0
            var buffer = Data()
            let target = 150 * round
            readLoop: while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    if let n = Int(line.replacingOccurrences(of: "committed ", with: "")) { lastCommitted = n }
                    if lastCommitted >= target {
                        kill(process.processIdentifier, SIGKILL)
                        break readLoop
                    }
                }
            }
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
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
}
