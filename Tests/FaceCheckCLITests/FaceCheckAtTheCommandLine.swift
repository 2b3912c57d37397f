import CardSimulator
import Foundation
import TestBench
import Testing

@testable import ServiceTestSupport

/// `cancuoc sim --portrait` and `cancuoc read --face-check` as a person runs them: the built
/// binaries, a private pcscd + vpcd, the simulated card carrying a real photo in DG2 (the
/// face_recognition 1.3.0 test photos, fetched by `make face-models`), and the real sandboxed
/// matcher.
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(6)))
final class FaceCheckAtTheCommandLine {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let assets: URL = {
        var url = bin
        while url.path != "/" && url.lastPathComponent != ".build" { url.deleteLastPathComponent() }
        return url.appendingPathComponent("face")
    }()
    static let profile = "tran-minh-khoa"

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        }
        var faceCheck: [String: Any]? { json?["faceCheck"] as? [String: Any] }
        var decision: String? { faceCheck?["decision"] as? String }
    }

    /// A scratch directory for this test's images (made with ImageMagick at test time): pictures
    /// of faces, so removed when the test ends (`deinit`), never left in /tmp.
    let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("face-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    deinit { try? FileManager.default.removeItem(at: scratch) }

    func photo(_ name: String) -> String { Self.assets.appendingPathComponent("photos/\(name)").path }

    func convert(_ name: String, _ arguments: [String]) async throws -> String {
        let out = scratch.appendingPathComponent(name).path
        let status = try await Self.run(URL(fileURLWithPath: "/usr/bin/convert"), arguments + [out], environment: [:])
            .status
        #expect(status == 0, "convert \(arguments)")
        return out
    }

    /// A program on a thread of its own (ServiceTestSupport's `runProgram`, never the cooperative pool).
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]) async throws -> Run {
        let run = try await runProgram(executable, arguments, environment: environment)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    /// `cancuoc read --face-check` on a thread of its own (never the cooperative pool).
    func read(
        bench: PCSCBench,
        faceCheck photo: String,
        matcher: String? = nil,
        trust: String
    ) async throws -> Run {
        let arguments = [
            "read", "--id", try CitizenProfile.load(named: Self.profile).dg13.idNumber, "--json", "--wait", "20",
            "--reader", bench.readerName(slot: 0), "--trust", trust, "--face-check", photo,
        ]
        let environment = [
            "PCSCLITE_CSOCK_NAME": bench.socketPath,
            "CANCUOC_FACE_MATCHER": matcher ?? Self.bin.appendingPathComponent("cancuoc-face-matcher").path,
            "CANCUOC_FACE_MODELS": Self.assets.appendingPathComponent("models").path,
        ]
        return try await Self.run(Self.bin.appendingPathComponent("cancuoc"), arguments, environment: environment)
    }

    /// `cancuoc sim --portrait FILE` in vpcd slot 0 while `body` runs.
    func withSimulatedCard<T>(
        portrait: String,
        fault: String? = nil,
        _ body: (PCSCBench, String) async throws -> T
    ) async throws -> T {
        let bench = try await PCSCBench.shared()
        let trust = scratch.appendingPathComponent("trust-\(UUID().uuidString)").path
        let sim = Process()
        sim.executableURL = Self.bin.appendingPathComponent("cancuoc")
        sim.arguments =
            [
                "sim", "--port", String(bench.port(slot: 0)), "--profile", Self.profile, "--portrait", portrait,
                "--trust-out", trust,
            ] + (fault.map { ["--fault", $0] } ?? [])
        sim.standardOutput = FileHandle.nullDevice
        sim.standardError = FileHandle.nullDevice
        try sim.run()
        // The simulator gone and pcscd told, on every way out: the next suite's card must not
        // see this one leave in the middle of its read.
        func end() async {
            sim.terminate()
            sim.waitUntilExit()
            await bench.waitUntilEmpty(slot: 0)
        }
        do {
            // The trust directory appears once the card is built; the read waits for the card.
            for _ in 0..<200 where !FileManager.default.fileExists(atPath: trust) {
                try await Task.sleep(for: .milliseconds(50))
            }
            let result = try await body(bench, trust)
            await end()
            return result
        } catch {
            await end()
            throw error
        }
    }

    @Test func aGenuinePairMatchesAndTheOthersAreTold() async throws {
        let portrait = try await convert("portrait.jpg", [photo("obama.jpg"), "-resize", "240x320", "-quality", "75"])
        let empty = try await convert("empty.jpg", ["-size", "640x480", "xc:gray50"])
        let two = try await convert(
            "two.jpg",
            [
                "(", photo("obama2.jpg"), "-resize", "x480", ")", "(", photo("biden.jpg"), "-resize", "x480", ")",
                "+append",
            ]
        )
        let tiny = try await convert(
            "tiny.jpg",
            [
                "-size", "640x480", "xc:gray60", "(", photo("obama2.jpg"), "-resize", "x110", ")", "-gravity",
                "center", "-composite",
            ]
        )
        try await withSimulatedCard(portrait: portrait) { bench, trust in
            let genuine = try await read(bench: bench, faceCheck: photo("obama2.jpg"), trust: trust)
            #expect(genuine.status == 0, "\(genuine.stderr)")
            #expect(genuine.decision == "match", "\(genuine.stdout.suffix(800))")
            #expect(genuine.faceCheck?["source"] as? String == "file")
            #expect((genuine.faceCheck?["distance"] as? Double ?? 1) <= 0.5)
            let checks = genuine.faceCheck?["checks"] as? [[String: Any]] ?? []
            #expect(
                checks.contains {
                    $0["name"] as? String == "framesChange" && $0["outcome"] as? String == "notApplicable"
                }
            )
            #expect((genuine.json?["verification"] as? [String: Any])?["status"] as? String == "verified")
            #expect(genuine.json?["face"] as? [String: Any] != nil)
            #expect(!genuine.stdout.contains("\"data\""), "no portrait in the output unless asked")

            let other = try await read(bench: bench, faceCheck: photo("biden.jpg"), trust: trust)
            #expect(other.status == 0)
            #expect(other.decision == "noMatch")

            #expect(try await read(bench: bench, faceCheck: empty, trust: trust).decision == "noFace")
            #expect(try await read(bench: bench, faceCheck: two, trust: trust).decision == "multipleFaces")
            #expect(try await read(bench: bench, faceCheck: tiny, trust: trust).decision == "faceTooSmall")
            // The portrait's own bytes, and the portrait as a phone screen held to the camera.
            let replay = try await read(bench: bench, faceCheck: portrait, trust: trust)
            #expect(replay.decision == "notLive")
            let shown = try await convert("shown.jpg", [portrait, "-resize", "480x640", "-quality", "85"])
            #expect(try await read(bench: bench, faceCheck: shown, trust: trust).decision == "notLive")
        }
    }

    @Test func aJPEG2000PortraitIsComparedToo() async throws {
        let portrait = try await convert("portrait.jp2", [photo("obama.jpg"), "-resize", "240x320", "-quality", "40"])
        try await withSimulatedCard(portrait: portrait) { bench, trust in
            let run = try await read(bench: bench, faceCheck: photo("obama3.jpg"), trust: trust)
            #expect(run.status == 0, "\(run.stderr)")
            #expect((run.json?["face"] as? [String: Any])?["mimeType"] as? String == "image/jp2")
            #expect(run.decision == "match")
        }
    }

    @Test func theReadSucceedsWhenTheMatcherIsKilledOrMissing() async throws {
        let portrait = try await convert(
            "portrait-k.jpg",
            [photo("obama.jpg"), "-resize", "240x320", "-quality", "75"]
        )
        let killer = scratch.appendingPathComponent("killed-matcher.sh").path
        try
            "#!/bin/sh\n\"\(Self.bin.appendingPathComponent("cancuoc-face-matcher").path)\" \"$@\" & pid=$!\nsleep 0.3; kill -9 $pid; wait $pid; exit 0\n"
            .write(toFile: killer, atomically: true, encoding: .utf8)
        chmod(killer, 0o755)
        try await withSimulatedCard(portrait: portrait) { bench, trust in
            let killed = try await read(bench: bench, faceCheck: photo("obama2.jpg"), matcher: killer, trust: trust)
            #expect(killed.status == 0, "\(killed.stderr)")
            #expect(killed.decision == "unavailable")
            #expect((killed.faceCheck?["messageVi"] as? String)?.contains("không bị ảnh hưởng") == true)
            #expect((killed.json?["person"] as? [String: Any])?["idNumber"] as? String != nil)

            let missing = try await read(
                bench: bench,
                faceCheck: photo("obama2.jpg"),
                matcher: "/nonexistent/cancuoc-face-matcher",
                trust: trust
            )
            #expect(missing.status == 0)
            #expect(missing.decision == "unavailable")
            #expect(missing.stderr.contains("not installed"))
        }
    }

    @Test func aFailedVerdictIsNeverFaceChecked() async throws {
        let portrait = try await convert(
            "portrait-f.jpg",
            [photo("obama.jpg"), "-resize", "240x320", "-quality", "75"]
        )
        try await withSimulatedCard(portrait: portrait, fault: "dg-modified") { bench, trust in
            let run = try await read(bench: bench, faceCheck: photo("obama2.jpg"), trust: trust)
            #expect(run.status == 6, "\(run.stderr)")
            #expect(run.json?.keys.contains("faceCheck") == true)
            #expect(run.json?["faceCheck"] is NSNull)
        }
    }
}
