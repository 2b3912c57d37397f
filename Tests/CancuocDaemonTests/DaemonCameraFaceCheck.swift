import CardSimulator
import FaceCheck
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

extension DaemonIntegration {
    /// `face.check` with `camera: true` (docs/face-check.md § The daemon's camera), the way a
    /// native HIS uses it: the real daemon over its socket, pcscd + vpcd with a simulated card
    /// whose DG2 is a real photo, the real sandboxed matcher, and the daemon's camera configured
    /// as a Y4M file or pipe made by ffmpeg from the face_recognition test photos (`make face-models`).
    @Suite(.serialized)
    struct DaemonCameraFaceCheck {
        /// A 640×480 Y4M video of a photo, 15 frames a second for two seconds; with `moving`
        /// the picture drifts a few pixels as a live face does, else it is one still picture.
        static func video(_ photo: String, moving: Bool, top: Bool = false, to path: String) async throws {
            let place = moving ? "crop=640:480:40+30*sin(t*5):40+20*cos(t*4)" : "crop=640:480:40:40"
            // A standing portrait (biden.jpg): the top of it, where the face is.
            let scale = top ? "scale=720:-2,crop=720:560:0:0" : "scale=-2:560,pad=720:560:(ow-iw)/2:0:gray"
            try await run(
                "/usr/bin/ffmpeg",
                [
                    "-loglevel", "error", "-y", "-loop", "1", "-i", DaemonFaceFixture.photos + "/" + photo, "-t", "2",
                    "-r", "15",
                    "-vf", "\(scale),\(place)", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", path,
                ]
            )
        }

        /// The daemon with a card whose portrait is obama.jpg and its camera at `device`
        /// (`DIR/` in it: the scratch directory).
        static func withCamera(
            device: String?,
            type: String = "y4m",
            frameTimeoutMilliseconds: Int = 2000,
            _ body: (RunningDaemon, TestClient, _ idNumber: String, _ directory: String) async throws -> Void
        ) async throws {
            try await DaemonFaceFixture.withPortraitCard(
                matcherIdleSeconds: 5,
                { configuration, directory in
                    configuration.face.camera.device = device.map {
                        $0.replacingOccurrences(of: "DIR/", with: directory + "/")
                    }
                    configuration.face.camera.type = type
                    configuration.face.camera.frameTimeoutMilliseconds = frameTimeoutMilliseconds
                },
                body
            )
        }

        static func cameraCheck(_ client: TestClient, _ id: Int, consent: Bool = true) async throws -> JSONValue {
            try await client.request(id, "face.check", ["consent": .bool(consent), "camera": true], seconds: 120)
                .response
        }

        static func checks(_ result: JSONValue?) -> [String: String] {
            Dictionary(
                (result?["checks"]?.arrayValue ?? []).compactMap { step in
                    step["name"]?.stringValue.flatMap { name in step["outcome"]?.stringValue.map { (name, $0) } }
                }
            ) { first, _ in first }
        }

        @Test func theDaemonsCameraSeesTheCardholderThenAnotherPerson() async throws {
            try await Self.withCamera(device: "DIR/camera.y4m") { _, client, idNumber, directory in
                try await Self.video("obama2.jpg", moving: true, to: directory + "/camera.y4m")
                let read = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
                // The bench trusts no CSCA: unverified, which may be face-checked (failed may not).
                #expect(read["result"]?["verification"]?["status"]?.stringValue == "unverified", "\(read)")
                let match = try await Self.cameraCheck(client, 2)
                let result = try #require(match["result"], "\(match)")
                #expect(result["decision"]?.stringValue == "match", "\(result)")
                #expect(result["source"]?.stringValue == "daemonCamera")
                #expect(result["frames"]?.intValue == 3)
                #expect((result["distance"]?.doubleValue ?? 1) <= 0.5)
                let steps = Self.checks(result)
                #expect(steps["camera"] == "passed" && steps["framesChange"] == "passed", "\(steps)")
                #expect(result["checks"]?.arrayValue?.first?["name"]?.stringValue == "camera")

                // Another person before the same camera (the file now shows Biden).
                try await Self.video("biden.jpg", moving: true, top: true, to: directory + "/camera.y4m")
                _ = try await DaemonFaceFixture.read(client, 3, idNumber: idNumber)
                let other = try await Self.cameraCheck(client, 4)
                #expect(other["result"]?["decision"]?.stringValue == "noMatch", "\(other)")
                #expect((other["result"]?["distance"]?.doubleValue ?? 0) > 0.6)
                #expect(other["result"]?["source"]?.stringValue == "daemonCamera")
            }
        }

        @Test func aStillPictureBeforeTheCameraIsNotLive() async throws {
            try await Self.withCamera(device: "DIR/camera.y4m") { _, client, idNumber, directory in
                try await Self.video("obama2.jpg", moving: false, to: directory + "/camera.y4m")
                _ = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
                let still = try await Self.cameraCheck(client, 2)
                #expect(still["result"]?["decision"]?.stringValue == "notLive", "\(still)")
                #expect(Self.checks(still["result"])["framesChange"] == "failed")
            }
        }

        @Test func aVanishedOrSilentCameraAnswersUnavailableAndReadsGoOn() async throws {
            try await Self.withCamera(device: "DIR/pipe.y4m", frameTimeoutMilliseconds: 300) {
                daemon,
                client,
                idNumber,
                directory in
                // Unplugged: no such device.
                _ = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
                let missing = try await Self.cameraCheck(client, 2)
                let result = try #require(missing["result"], "\(missing)")
                #expect(result["decision"]?.stringValue == "unavailable")
                #expect(Self.checks(result) == ["camera": "failed"])
                #expect(result["messageVi"]?.stringValue?.contains("Camera") == true)
                #expect(result["message"]?.stringValue?.contains("camera gave no picture") == true)

                // Plugged in but silent: a pipe nobody writes to. Bounded by the frame timeout.
                let pipe = directory + "/pipe.y4m"
                #expect(mkfifo(pipe, 0o600) == 0)
                _ = try await DaemonFaceFixture.read(client, 3, idNumber: idNumber)
                let started = ContinuousClock.now
                let silent = try await Self.cameraCheck(client, 4)
                #expect(silent["result"]?["decision"]?.stringValue == "unavailable", "\(silent)")
                #expect(ContinuousClock.now - started < .seconds(30), "the frame timeout bounds the wait")

                // A stream that ends after its header: unavailable, no hang.
                _ = try await DaemonFaceFixture.read(client, 5, idNumber: idNumber)
                let writer = Task.detached {
                    let fd = open(pipe, O_WRONLY)
                    let header = Array("YUV4MPEG2 W640 H480 F15:1 C420jpeg\n".utf8)
                    _ = header.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    close(fd)
                }
                let ended = try await Self.cameraCheck(client, 6)
                await writer.value
                #expect(ended["result"]?["decision"]?.stringValue == "unavailable", "\(ended)")

                // The reads were never touched: the next one is whole, its chip checks passed.
                let again = try await DaemonFaceFixture.read(client, 7, idNumber: idNumber, faceCheck: false)
                #expect(again["result"]?["faceStatus"]?.stringValue == "read", "\(again)")
                #expect(again["result"]?["verification"]?["chip"]?["status"]?.stringValue == "passed")
                _ = daemon
            }
        }

        @Test func consentAndAWaitingReadComeBeforeTheCamera() async throws {
            try await Self.withCamera(device: "DIR/camera.y4m") { _, client, idNumber, directory in
                try await Self.video("obama2.jpg", moving: true, to: directory + "/camera.y4m")
                // No read waiting: the camera is not opened for nothing.
                let none = try await Self.cameraCheck(client, 1)
                #expect(none["result"]?["decision"]?.stringValue == "unavailable")
                #expect(Self.checks(none["result"]) == ["portraitFace": "failed"])
                // Without consent: declined, and the portrait is gone.
                _ = try await DaemonFaceFixture.read(client, 2, idNumber: idNumber)
                let declined = try await Self.cameraCheck(client, 3, consent: false)
                #expect(declined["result"]?["decision"]?.stringValue == "declined")
                #expect(declined["result"]?["source"]?.stringValue == "daemonCamera")
                let late = try await Self.cameraCheck(client, 4)
                #expect(late["result"]?["decision"]?.stringValue == "unavailable")
                // Frames and the camera at once: refused.
                let (both, _) = try await client.request(
                    5,
                    "face.check",
                    ["consent": true, "camera": true, "frames": ["AAAA"]]
                )
                #expect(errorCode(both) == -32602)
            }
        }

        @Test func withoutACameraTheDaemonSaysSoAndKeepsThePortrait() async throws {
            try await Self.withCamera(device: nil) { _, client, idNumber, directory in
                _ = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
                let (refused, _) = try await client.request(2, "face.check", ["consent": true, "camera": true])
                #expect(errorCode(refused) == -32602)
                #expect(refused["error"]?["data"]?["param"]?.stringValue == "camera")
                #expect(refused["error"]?["message"]?.stringValue?.contains("no camera is configured") == true)
                #expect(
                    refused["error"]?["data"]?["messageVi"]?.stringValue?.contains("chưa được cấu hình camera") == true
                )
                // The portrait waits for a frame sent the usual way.
                try await run(
                    "/usr/bin/convert",
                    [
                        DaemonFaceFixture.photos + "/obama2.jpg", "-resize", "x480", "-gravity", "center", "-extent",
                        "640x480",
                        "-quality", "70", directory + "/frame.jpg",
                    ]
                )
                let frame = try Data(contentsOf: URL(fileURLWithPath: directory + "/frame.jpg")).base64EncodedString()
                let (sent, _) = try await client.request(
                    3,
                    "face.check",
                    ["consent": true, "frames": [.string(frame)]],
                    seconds: 120
                )
                #expect(sent["result"]?["decision"]?.stringValue == "match", "\(sent)")
                #expect(sent["result"]?["source"]?.stringValue == "file")
            }
        }
    }
}
