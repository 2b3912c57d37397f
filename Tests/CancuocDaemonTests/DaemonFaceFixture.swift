import CardSimulator
import FaceCheck
import Foundation
import TestBench

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import ServiceTestSupport

/// What the daemon's face-check suites share (DaemonFaceCheck: frames from the client;
/// DaemonCameraFaceCheck: the daemon's camera): the real matcher built beside the tests, the
/// assets of `make face-models`, and the daemon with a simulated card whose portrait is obama.jpg.
enum DaemonFaceFixture {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    /// .build/<triple>/debug/ → .build/face
    static let assets: URL = {
        var url = bin
        while url.path != "/" && url.lastPathComponent != ".build" { url.deleteLastPathComponent() }
        return url.appendingPathComponent("face")
    }()
    static var photos: String { assets.path + "/photos" }

    /// The daemon (`configure` applied; it gets the scratch directory too) with the real matcher, a
    /// connected client, and a card whose portrait is obama.jpg at 240×320; `body` gets the card's
    /// ID number and the scratch directory (removed at the end).
    static func withPortraitCard(
        matcherIdleSeconds: Int,
        _ configure: (inout DaemonConfiguration, _ directory: String) -> Void = { _, _ in },
        _ body: (RunningDaemon, TestClient, _ idNumber: String, _ directory: String) async throws -> Void
    ) async throws {
        let bench = try await PCSCBench.shared()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await run(
            "/usr/bin/convert",
            [photos + "/obama.jpg", "-resize", "240x320", "-quality", "75", directory + "/portrait.jpg"]
        )
        var profile = try Citizens.profile()
        profile.directory = URL(fileURLWithPath: directory)
        profile.faceImage = "portrait.jpg"
        profile.faceWidth = 240
        profile.faceHeight = 320
        try await RunningDaemon.with({ configure(&$0, directory) }) { daemon in
            daemon.core.faceDesk.configuration = FaceMatcherConfiguration(
                executable: bin.appendingPathComponent("cancuoc-face-matcher").path,
                modelsDirectory: assets.appendingPathComponent("models").path,
                deadline: .seconds(60),
                idleSeconds: matcherIdleSeconds
            )
            let client = try await daemon.connect()
            defer { Task { await client.close() } }
            try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
                try await body(daemon, client, profile.dg13.idNumber, directory)
            }
        }
    }

    /// `card.read` on the simulated card, with `faceCheck` (the portrait kept for face.check).
    static func read(
        _ client: TestClient,
        _ id: Int,
        idNumber: String,
        faceCheck: Bool = true
    ) async throws
        -> JSONValue
    {
        try await client.request(
            id,
            "card.read",
            ["key": ["id": .string(idNumber)], "waitForCardSeconds": 10, "faceCheck": .bool(faceCheck)]
        ).response
    }
}
