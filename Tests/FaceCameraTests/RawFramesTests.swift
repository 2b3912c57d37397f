import FaceCheck
import Foundation
import Testing

@testable import FaceCamera
@testable import ServiceTestSupport

/// Raw camera frames (the daemon's camera) on the matcher's wire and through the real sandboxed
/// matcher: YUYV as a V4L2 webcam gives it, 4:2:0 and grey as a Y4M file does, made by ffmpeg
/// from the face_recognition 1.3.0 test photos (`make face-models`).
@Suite(.serialized) struct RawFramesThroughTheMatcher {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let assets: URL = {
        var url = bin
        while url.path != "/" && url.lastPathComponent != ".build" { url.deleteLastPathComponent() }
        return url.appendingPathComponent("face")
    }()
    let checker = FaceChecker(
        configuration: FaceMatcherConfiguration(
            executable: bin.appendingPathComponent("cancuoc-face-matcher").path,
            modelsDirectory: assets.appendingPathComponent("models").path,
            deadline: .seconds(60)
        )
    )

    /// `photo` as one 640×480 raw frame of `pixelFormat` (ffmpeg's name), shifted by `shift` pixels.
    static func raw(_ photo: String, _ pixelFormat: String, shift: Int = 0) async throws -> [UInt8] {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await run(
            "/usr/bin/ffmpeg",
            [
                "-loglevel", "error", "-y", "-i", assets.path + "/photos/" + photo, "-vf",
                "scale=-2:560,pad=720:560:(ow-iw)/2:0:gray,crop=640:480:\(40 + shift):40", "-pix_fmt", pixelFormat,
                "-f", "rawvideo", directory + "/frame.raw",
            ]
        )
        return Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/frame.raw")))
    }

    static func frame(_ bytes: [UInt8], _ format: RawFrameLayout.PixelFormat) -> FaceCheckImage {
        bytes.withUnsafeBytes {
            FaceCheckImage(copying: $0, layout: RawFrameLayout(width: 640, height: 480, format: format))
        }
    }

    static func portrait() throws -> FaceCheckImage {
        FaceCheckImage(copying: try Data(contentsOf: assets.appendingPathComponent("photos/obama.jpg")))
    }

    @Test(arguments: [
        (RawFrameLayout.PixelFormat.yuyv, "yuyv422"), (.yuv420, "yuv420p"), (.grey, "gray"),
    ])
    func aCameraFrameOfTheCardholderMatches(format: RawFrameLayout.PixelFormat, ffmpeg: String) async throws {
        var frames: [FaceCheckImage] = []
        for shift in [0, 8, 16] {
            frames.append(Self.frame(try await Self.raw("obama2.jpg", ffmpeg, shift: shift), format))
        }
        #expect(frames[0].count == RawFrameLayout(width: 640, height: 480, format: format).byteCount)
        let (result, failure) = await checker.check(
            portrait: try Self.portrait(),
            frames: frames,
            source: .daemonCamera
        )
        #expect(failure == nil)
        #expect(result.decision == .match, "\(result)")
        #expect(result.source == .daemonCamera)
        #expect(result.checks.contains(FaceCheckStep(.framesChange, .passed)))
    }

    @Test func anotherPersonsYUYVFramesDoNotMatch() async throws {
        // The top of biden.jpg, where his face is (a standing portrait).
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var frames: [FaceCheckImage] = []
        for shift in [0, 8] {
            try await run(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-i", Self.assets.path + "/photos/biden.jpg", "-vf",
                    "scale=720:-2,crop=640:480:\(40 + shift):0", "-pix_fmt", "yuyv422", "-f", "rawvideo",
                    directory + "/frame.raw",
                ]
            )
            frames.append(
                Self.frame(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/frame.raw"))), .yuyv)
            )
        }
        let (result, _) = await checker.check(portrait: try Self.portrait(), frames: frames, source: .daemonCamera)
        #expect(result.decision == .noMatch, "\(result)")
    }

    /// A UVC webcam's MJPEG frame usually has no Huffman tables (DHT): the decoder must use the
    /// standard ones (libjpeg-turbo does). ffmpeg's frames with the standard tables, DHT cut out.
    @Test func webcamMJPEGFramesWithoutHuffmanTablesAreDecoded() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var frames: [FaceCheckImage] = []
        for shift in [0, 8, 16] {
            try await run(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-i", Self.assets.path + "/photos/obama2.jpg", "-vf",
                    "scale=-2:560,pad=720:560:(ow-iw)/2:0:gray,crop=640:480:\(40 + shift):40,format=yuvj422p",
                    "-c:v", "mjpeg", "-huffman", "default", "-q:v", "4", "-frames:v", "1", "-f", "mjpeg",
                    directory + "/frame.jpg",
                ]
            )
            let jpeg = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/frame.jpg")))
            let stripped = Self.withoutHuffmanTables(jpeg)
            #expect(stripped.count < jpeg.count, "the frame had tables to cut")
            frames.append(FaceCheckImage(copying: stripped))
        }
        let (result, failure) = await checker.check(
            portrait: try Self.portrait(),
            frames: frames,
            source: .daemonCamera
        )
        #expect(failure == nil)
        #expect(result.decision == .match, "\(result)")
    }

    /// The JPEG without its DHT segments (the markers before the scan, each with its length).
    static func withoutHuffmanTables(_ jpeg: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
            let marker = jpeg[i + 1]
            let length = Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3])
            if marker == 0xDA { break }  // the scan: everything from here on is kept
            if marker != 0xC4 { out += jpeg[i..<min(i + 2 + length, jpeg.count)] }
            i += 2 + length
        }
        return out + jpeg[min(i, jpeg.count)...]
    }

    @Test func aFrameShorterThanItsLayoutNeverLeavesTheDaemon() async throws {
        let short = [UInt8](repeating: 128, count: 640 * 480)
        let (result, failure) = await checker.check(
            portrait: try Self.portrait(),
            frames: [Self.frame(short, .yuyv)],
            source: .daemonCamera
        )
        #expect(result.decision == .unavailable)
        #expect(failure == .imageRefused(.undecodable))
    }
}

/// The raw request on the matcher's wire (MatcherProtocol kind 2).
@Suite struct RawFrameWire {
    @Test func aRawRequestSurvivesTheWire() throws {
        let layout = RawFrameLayout(width: 3, height: 2, format: .yuyv)
        let request = MatcherRequest.analyseRaw(layout: layout, pixels: Array(0..<16))
        #expect(try MatcherRequest(payload: request.encodedPayload()[...]) == request)
        #expect(Array(request.encodedPayload().prefix(14)) == [1, 2, 0, 0, 0, 3, 0, 0, 0, 2, 0x56, 0x59, 0x55, 0x59])
    }

    @Test func aLengthThatIsNotTheLayoutsIsRefused() {
        let layout = RawFrameLayout(width: 4, height: 4, format: .grey)
        for count in [0, 15, 17] {
            let payload = MatcherRequest.rawHeader(layout) + [UInt8](repeating: 0, count: count)
            #expect(throws: MatcherProtocolError.self) { try MatcherRequest(payload: payload[...]) }
        }
        var unknown = MatcherRequest.rawHeader(layout) + [UInt8](repeating: 0, count: 16)
        unknown[13] = 0x00
        #expect(throws: MatcherProtocolError("raw frame of an unknown pixel format")) {
            try MatcherRequest(payload: unknown[...])
        }
        let huge = MatcherRequest.rawHeader(RawFrameLayout(width: 5000, height: 1, format: .grey)) + [0]
        #expect(throws: MatcherProtocolError("raw frame of an impossible size")) {
            try MatcherRequest(payload: huge[...])
        }
    }
}

/// The V4L2 capture's refusals, on what this machine has (no camera): a missing device, a
/// device that is not a camera. Each a failure with a reason, at once, never a hang.
@Suite struct V4L2Refusals {
    @Test func aMissingDeviceIsMissing() async {
        let camera = FaceCamera(source: CameraSource(path: "/dev/video-cancuoc-missing"))
        guard case .failure(let failure) = await camera.capture() else {
            Issue.record("a missing device gave frames")
            return
        }
        #expect(failure.kind == .missing)
        #expect(failure.reason.contains("/dev/video-cancuoc-missing"))
    }

    @Test func aDeviceThatIsNoCameraIsRefused() async {
        let camera = FaceCamera(source: CameraSource(path: "/dev/null"))
        guard case .failure(let failure) = await camera.capture() else {
            Issue.record("/dev/null gave frames")
            return
        }
        #expect(failure.kind == .notACamera, "\(failure)")
    }

    @Test func aY4MSourceThatIsADirectoryIsRefused() async {
        let camera = FaceCamera(source: CameraSource(path: "/tmp", kind: .y4m))
        guard case .failure(let failure) = await camera.capture() else {
            Issue.record("a directory gave frames")
            return
        }
        #expect(failure.kind == .notACamera || failure.kind == .failed, "\(failure)")
    }
}
