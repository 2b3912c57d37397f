import FaceCheck
import Foundation
import Testing

@testable import ServiceTestSupport

/// The daemon's warm matcher and the cancuoc-face package: an upgrade (dpkg renames the new file
/// over the old) or a removal takes effect at the next check, without restarting the daemon.
@Suite struct WarmMatcherAndThePackage {
    @Test func anUpgradedMatcherIsStartedAgainAndARemovedOneIsUnavailable() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cancuoc-warm-matcher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let installed = directory.appendingPathComponent("cancuoc-face-matcher").path
        func install() async throws {
            // As dpkg does: the new file beside, then renamed over the old one. cp writes it, not
            // this process: a child that another suite spawns meanwhile would inherit a descriptor
            // open for writing and starting the copy would fail (ETXTBSY).
            let new = installed + ".dpkg-new"
            try await run("/bin/cp", [FaceAssets.matcher, new])
            #expect(rename(new, installed) == 0)
        }
        try await install()
        var configuration = FaceAssets.configuration
        configuration.executable = installed
        let matcher = WarmMatcher()
        defer { matcher.stop() }
        // The decision, and why the matcher gave none (so that a failure says it).
        func check() async throws -> String {
            let (result, failure) = await matcher.check(
                configuration: configuration,
                thresholds: .defaults,
                portrait: try FaceAssets.photo("obama.jpg"),
                frames: [try FaceAssets.photo("obama2.jpg")],
                source: .file
            )
            return result.decision.rawValue + (failure.map { " (\($0))" } ?? "")
        }

        #expect(try await check() == "match")
        let first = try #require(matcher.runningPID)
        #expect(try await check() == "match")
        #expect(matcher.runningPID == first, "the same matcher serves while its file is unchanged")

        try await install()
        #expect(try await check() == "match")
        let upgraded = try #require(matcher.runningPID)
        #expect(upgraded != first, "the upgraded file runs from the next check on")
        #expect(kill(first, 0) != 0, "the old matcher was stopped")

        try FileManager.default.removeItem(atPath: installed)
        #expect(try await check().hasPrefix("unavailable"))
        #expect(matcher.runningPID == nil)
        #expect(kill(upgraded, 0) != 0, "the removed package's matcher was stopped")
    }
}
