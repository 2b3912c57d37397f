import Foundation
import FuzzHarness
import Testing

/// Every input the fuzzers ever crashed, hung or blew up on (Fuzz/Regressions/<target>/) and
/// every seed (Fuzz/Corpus/<target>/), replayed through the real parsers (docs/fuzzing.md). A trap
/// here fails the whole test run, which is the point: the parser must throw, not trap.
@Suite struct ReplaySavedInputs {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let dir = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Runs on a thread of its own, as libFuzzer does: the `fileReader` target blocks its
    /// caller until the read task ends, which must not tie up a cooperative-pool thread.
    static func replay(_ target: FuzzTarget, _ bytes: [UInt8]) async -> Duration {
        await withCheckedContinuation { continuation in
            Thread {
                let elapsed = ContinuousClock().measure { FuzzHarness.run(target, bytes) }
                continuation.resume(returning: elapsed)
            }.start()
        }
    }

    @Test("saved crash and timeout inputs no longer trap", arguments: FuzzTarget.allCases)
    func regressions(_ target: FuzzTarget) async throws {
        for url in Self.inputs("Regressions", target) {
            let elapsed = await Self.replay(target, try [UInt8](Data(contentsOf: url)))
            #expect(elapsed < .seconds(2), "\(target.rawValue)/\(url.lastPathComponent) took \(elapsed)")
        }
    }

    @Test("seed corpus replays", arguments: FuzzTarget.allCases)
    func seeds(_ target: FuzzTarget) async throws {
        for url in Self.inputs("Corpus", target) {
            _ = await Self.replay(target, try [UInt8](Data(contentsOf: url)))
        }
    }

    @Test("every implemented target has seeds")
    func everyTargetSeeded() {
        for target in FuzzTarget.allCases where target.isImplemented {
            #expect(!Self.inputs("Corpus", target).isEmpty, "no seeds for \(target.rawValue)")
        }
    }
}
