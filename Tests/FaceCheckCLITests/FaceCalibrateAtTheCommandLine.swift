import Foundation
import Testing

/// `cancuoc face calibrate DIR` on a folder per person (the test photos: three of one person,
/// one of another), through the built binary and the real matcher.
@Suite struct FaceCalibrateAtTheCommandLine {
    @Test func ratesComeFromTheFoldersAndOnlyNumbersArePrinted() async throws {
        let bin = FaceCheckAtTheCommandLine.bin
        let photos = FaceCheckAtTheCommandLine.assets.appendingPathComponent("photos")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("calibrate-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        for (person, files) in [("nguoi-a", ["obama.jpg", "obama2.jpg", "obama3.jpg"]), ("nguoi-b", ["biden.jpg"])] {
            let folder = root.appendingPathComponent(person)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in files {
                try FileManager.default.copyItem(
                    at: photos.appendingPathComponent(file),
                    to: folder.appendingPathComponent(file)
                )
            }
        }
        let run = try await FaceCheckAtTheCommandLine.run(
            bin.appendingPathComponent("cancuoc"),
            ["face", "calibrate", root.path, "--json"],
            environment: [
                "CANCUOC_FACE_MATCHER": bin.appendingPathComponent("cancuoc-face-matcher").path,
                "CANCUOC_FACE_MODELS": FaceCheckAtTheCommandLine.assets.appendingPathComponent("models").path,
            ]
        )
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(run.json)
        #expect(json["people"] as? Int == 2)
        #expect(json["genuinePairs"] as? Int == 3)
        #expect(json["impostorPairs"] as? Int == 3)
        #expect(((json["impostorDistance"] as? [String: Any])?["min"] as? Double ?? 0) > 0.6)
        #expect(((json["genuineDistance"] as? [String: Any])?["max"] as? Double ?? 1) < 0.5)
        #expect((json["proposed"] as? [String: Any])?["matchAtMost"] as? Double == 0.5)
        #expect(!run.stdout.contains("nguoi-a") && !run.stdout.contains("obama"), "numbers only")

        let one = try await FaceCheckAtTheCommandLine.run(
            bin.appendingPathComponent("cancuoc"),
            ["face", "calibrate", root.appendingPathComponent("nguoi-a").path],
            environment: [:]
        )
        #expect(one.status == 64)
        #expect(one.stderr.contains("cần ít nhất hai thư mục"))
    }
}
