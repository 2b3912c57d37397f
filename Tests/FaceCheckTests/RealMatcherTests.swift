import FaceCheck
import Foundation
import Testing

@testable import ServiceTestSupport

/// The real cancuoc-face-matcher (dlib, sandboxed) on the real photos of the face_recognition
/// 1.3.0 sdist (three of Barack Obama, one of Joe Biden), through the socketpair client.
@Suite(.serialized) struct FaceCheckWithTheRealMatcher {
    let checker = FaceChecker(configuration: FaceAssets.configuration)

    @Test func theSamePersonMatches() async throws {
        let (result, failure) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [try FaceAssets.photo("obama2.jpg")],
            source: .file
        )
        #expect(failure == nil)
        #expect(result.decision == .match)
        let distance = try #require(result.distance)
        #expect(distance > 0.2 && distance <= 0.5)
        #expect(result.checks.contains(FaceCheckStep(.framesChange, .notApplicable)))
    }

    @Test func anotherPersonDoesNotMatch() async throws {
        let (result, _) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [try FaceAssets.photo("biden.jpg")],
            source: .file
        )
        #expect(result.decision == .noMatch)
        #expect((result.distance ?? 0) > 0.6)
    }

    @Test func aJPEG2000PortraitIsDecoded() async throws {
        let jp2 = try await FaceAssets.convertTo("jp2", ["PHOTOS/obama.jpg", "-resize", "320x400"])
        let (result, failure) = await checker.check(
            portrait: jp2,
            frames: [try FaceAssets.photo("obama3.jpg")],
            source: .file
        )
        #expect(failure == nil)
        #expect(result.decision == .match)
    }

    @Test func anEmptyFrameHasNoFace() async throws {
        let (result, _) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [try await FaceAssets.convert(["-size", "640x480", "xc:gray50"])],
            source: .file
        )
        #expect(result.decision == .noFace)
    }

    @Test func twoFacesAreMultipleFaces() async throws {
        let pair = try await FaceAssets.convert([
            "(", "PHOTOS/obama2.jpg", "-resize", "x480", ")", "(", "PHOTOS/biden.jpg", "-resize", "x480", ")",
            "+append",
        ])
        let (result, _) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [pair],
            source: .file
        )
        #expect(result.decision == .multipleFaces)
    }

    @Test func aTinyFaceIsTooSmall() async throws {
        let tiny = try await FaceAssets.convert([
            "-size", "640x480", "xc:gray60", "(", "PHOTOS/obama2.jpg", "-resize", "x110", ")", "-gravity", "center",
            "-composite",
        ])
        let (result, _) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [tiny],
            source: .file
        )
        #expect(result.decision == .faceTooSmall)
    }

    @Test func thePortraitFedBackIsNotLive() async throws {
        let replay = try await FaceAssets.convert(["PHOTOS/obama.jpg", "-resize", "640x480", "-quality", "80"])
        let (result, _) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [replay, replay],
            source: .browser
        )
        #expect(result.decision == .notLive)
        #expect(result.checks.last == FaceCheckStep(.notChipPortrait, .failed))
    }

    @Test func aLoopedStillIsNotLive() async throws {
        let still = try await FaceAssets.convert(["PHOTOS/obama2.jpg", "-resize", "640x480"])
        let (result, _) = await checker.check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [still, still, still],
            source: .daemonCamera
        )
        #expect(result.decision == .notLive)
        #expect(result.checks.last == FaceCheckStep(.framesChange, .failed))
    }

    @Test func notInstalledIsUnavailable() async throws {
        var configuration = FaceAssets.configuration
        configuration.executable = "/nonexistent/cancuoc-face-matcher"
        let (result, failure) = await FaceChecker(configuration: configuration).check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [try FaceAssets.photo("obama2.jpg")],
            source: .file
        )
        #expect(result.decision == .unavailable)
        #expect(failure == .notInstalled)
        #expect(result.messageVi.contains("không bị ảnh hưởng"))
    }

    @Test func aMatcherKilledMidCheckIsUnavailable() async throws {
        // A wrapper starts the real matcher on the same socket and kills it while it loads
        // its models or analyses the first image.
        let wrapper = try FaceAssets.script(
            "\"\(FaceAssets.matcher)\" \"$@\" & pid=$!; sleep 0.3; kill -9 $pid; wait $pid; exit 0"
        )
        defer { try? FileManager.default.removeItem(atPath: wrapper) }
        var configuration = FaceAssets.configuration
        configuration.executable = wrapper
        let (result, failure) = await FaceChecker(configuration: configuration).check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [try FaceAssets.photo("obama2.jpg")],
            source: .file
        )
        #expect(result.decision == .unavailable)
        #expect(failure != nil)
    }

    @Test func aHungMatcherIsUnavailableAtTheDeadline() async throws {
        let wrapper = try FaceAssets.script("exec sleep 30")
        defer { try? FileManager.default.removeItem(atPath: wrapper) }
        var configuration = FaceAssets.configuration
        configuration.executable = wrapper
        configuration.deadline = .seconds(1)
        let started = ContinuousClock.now
        let (result, failure) = await FaceChecker(configuration: configuration).check(
            portrait: try FaceAssets.photo("obama.jpg"),
            frames: [try FaceAssets.photo("obama2.jpg")],
            source: .file
        )
        #expect(result.decision == .unavailable)
        #expect(failure == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func garbageIsRefusedNotACrash() async throws {
        let (result, failure) = await checker.check(
            portrait: FaceCheckImage(copying: Array("not an image".utf8)),
            frames: [try FaceAssets.photo("obama2.jpg")],
            source: .file
        )
        #expect(result.decision == .unavailable)
        #expect(failure == .imageRefused(.undecodable))
    }
}

extension FaceAssets {
    static func convertTo(_ format: String, _ arguments: [String]) async throws -> FaceCheckImage {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("face-\(UUID().uuidString).\(format)")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try await runProgram(
            URL(fileURLWithPath: "/usr/bin/convert"),
            arguments.map { $0.replacingOccurrences(of: "PHOTOS/", with: root.path + "/photos/") } + [out.path]
        )
        guard let data = FileManager.default.contents(atPath: out.path) else { throw MissingAsset(path: out.path) }
        return FaceCheckImage(copying: data)
    }

    static func script(_ body: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("matcher-\(UUID().uuidString).sh").path
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }
}

@Suite struct MatcherSandbox {
    @Test func socketsFilesForWritingAndNewProcessesAreRefused() async throws {
        let run = try await runProgram(
            URL(fileURLWithPath: FaceAssets.matcher),
            ["--models", FaceAssets.models, "--check-sandbox"],
            mergingOutput: true
        )
        let text = run.stdout
        #expect(run.status == 0, "\(text)")
        #expect(text.contains("refused"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/cancuoc-face-matcher-sandbox-check"))
    }
}
