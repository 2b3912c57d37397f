import Foundation
import FuzzHarness
import Testing

/// Every input the fuzzers ever crashed, hung or blew up on (Fuzz/Regressions/<target>/) and
/// every seed (Fuzz/Corpus/<target>/), replayed through the real parsers (issue 9). A trap
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

    @Test("saved crash and timeout inputs no longer trap", arguments: FuzzTarget.allCases)
    func regressions(_ target: FuzzTarget) throws {
        for url in Self.inputs("Regressions", target) {
            let bytes = try [UInt8](Data(contentsOf: url))
            let clock = ContinuousClock()
            let elapsed = clock.measure { FuzzHarness.run(target, bytes) }
            #expect(elapsed < .seconds(2), "\(target.rawValue)/\(url.lastPathComponent) took \(elapsed)")
        }
    }

    @Test("seed corpus replays", arguments: FuzzTarget.allCases)
    func seeds(_ target: FuzzTarget) throws {
        for url in Self.inputs("Corpus", target) {
            FuzzHarness.run(target, try [UInt8](Data(contentsOf: url)))
        }
    }

    @Test("every implemented target has seeds")
    func everyTargetSeeded() {
        for target in FuzzTarget.allCases where target.isImplemented {
            #expect(!Self.inputs("Corpus", target).isEmpty, "no seeds for \(target.rawValue)")
        }
    }
}
