import FaceCheck
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// make bench, docs/face-check.md: the face check from capture to decision — a chip portrait (240×320
/// JPEG) and three 640×480 JPEG frames of the same person (the face_recognition 1.3.0 test
/// photos, `make face-models`), through the release matcher beside this binary. Cold: a new
/// matcher process (what `cancuoc read --face-check` pays); warm: a matcher already running
/// with its models loaded (what a daemon keeping it alive pays). Plus the matcher's memory.
struct FaceFigures: Codable {
    var runs: Int
    var coldMsMedian: Double
    var warmMsMedian: Double
    var warmPerFrameMsMedian: Double
    var matcherPeakRSSMB: Double
    var decision: String
}

enum FaceBench {
    static func images(assets: URL) throws -> (portrait: FaceCheckImage, frames: [FaceCheckImage]) {
        let photos = assets.appendingPathComponent("photos")
        func convert(_ arguments: [String]) throws -> FaceCheckImage {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent(
                "face-bench-\(UUID().uuidString).jpg"
            )
            defer { try? FileManager.default.removeItem(at: out) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/convert")
            process.arguments = arguments + [out.path]
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return FaceCheckImage(copying: try Data(contentsOf: out))
        }
        let portrait = try convert([
            photos.appendingPathComponent("obama.jpg").path, "-resize", "240x320", "-quality", "75",
        ])
        let frames = try [0, 6, 12].map { shift in
            try convert([
                photos.appendingPathComponent("obama2.jpg").path, "-resize", "x480", "-gravity", "center",
                "-background", "gray50", "-extent", "640x480", "-roll", "+\(shift)+0", "-quality", "80",
            ])
        }
        return (portrait, frames)
    }

    static func peakRSSMB(_ pid: pid_t) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
            return kb / 1024
        }
        return 0
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func measure(bin: URL, assets: URL, runs: Int) async throws -> FaceFigures {
        let configuration = FaceMatcherConfiguration(
            executable: bin.appendingPathComponent("cancuoc-face-matcher").path,
            modelsDirectory: assets.appendingPathComponent("models").path,
            deadline: .seconds(60)
        )
        let (portrait, frames) = try images(assets: assets)
        var cold: [Double] = []
        var decision = ""
        for _ in 0..<runs {
            let started = ContinuousClock.now
            let (result, _) = await FaceChecker(configuration: configuration).check(
                portrait: portrait,
                frames: frames,
                source: .daemonCamera
            )
            cold.append((ContinuousClock.now - started).faceMs)
            decision = result.decision.rawValue
        }
        // Warm: one process, models loaded, a first image analysed; then each run is the
        // portrait and three frames, and the decision.
        let process = try MatcherProcess.start(configuration)
        let far = ContinuousClock.now.advanced(by: .seconds(600))
        defer { process.stop(deadline: far) }
        func analyse(_ image: FaceCheckImage) throws -> FaceAnalysis {
            try process.send(image, deadline: far)
            guard case .analysis(let a) = try process.receive(deadline: far) else {
                throw FaceMatcherFailure.closedConnection
            }
            return a
        }
        _ = try analyse(frames[0])
        var warm: [Double] = []
        var perFrame: [Double] = []
        for _ in 0..<runs {
            let started = ContinuousClock.now
            let p = try analyse(portrait)
            var analyses: [FaceAnalysis] = []
            for frame in frames {
                let t = ContinuousClock.now
                analyses.append(try analyse(frame))
                perFrame.append((ContinuousClock.now - t).faceMs)
            }
            let result = FaceCheckPolicy.decide(
                portrait: p,
                frames: analyses,
                source: .daemonCamera,
                thresholds: .defaults
            )
            warm.append((ContinuousClock.now - started).faceMs)
            decision = result.decision.rawValue
        }
        return FaceFigures(
            runs: runs,
            coldMsMedian: median(cold),
            warmMsMedian: median(warm),
            warmPerFrameMsMedian: median(perFrame),
            matcherPeakRSSMB: peakRSSMB(process.pid),
            decision: decision
        )
    }

    /// Prints the figures; nil (and a line saying why) without the assets or the matcher.
    static func run(runs: Int = 5) async throws -> FaceFigures? {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var assets = bin
        while assets.path != "/" && assets.lastPathComponent != ".build" { assets.deleteLastPathComponent() }
        assets.appendPathComponent("face")
        guard FileManager.default.fileExists(atPath: assets.appendingPathComponent("models").path),
            FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("cancuoc-face-matcher").path)
        else {
            print("face check: skipped (run `make face-models` and build cancuoc-face-matcher)")
            return nil
        }
        let f = try await measure(bin: bin, assets: assets, runs: runs)
        print("")
        print("face check, portrait + three 640×480 frames → decision (\(f.runs) runs, decision \(f.decision))")
        print(String(format: "  cold (new matcher process, models loaded): median %.0f ms", f.coldMsMedian))
        print(
            String(
                format: "  warm (matcher running): median %.0f ms, %.0f ms per frame; target ≤ 500 ms",
                f.warmMsMedian,
                f.warmPerFrameMsMedian
            )
        )
        print(String(format: "  matcher peak RSS %.1f MB", f.matcherPeakRSSMB))
        return f
    }
}

extension Duration {
    fileprivate var faceMs: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
