import CardSimulator
import FaceCheck
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// `card.read` with `faceCheck: true`, then `face.check` (docs/face-check.md), over the real socket,
    /// the bench's pcscd + vpcd, a simulated card whose DG2 is a real photo, and the real
    /// sandboxed matcher (assets from `make face-models`).
    @Suite(.serialized)
    struct DaemonFaceCheck {
        /// ImageMagick at test time, on a thread of its own (`runProgram`); returns the file's bytes.
        static func convert(_ arguments: [String], to name: String, in directory: String) async throws -> Data {
            let out = directory + "/" + name
            _ = try await runProgram(
                URL(fileURLWithPath: "/usr/bin/convert"),
                arguments.map { $0.replacingOccurrences(of: "PHOTOS/", with: DaemonFaceFixture.photos + "/") } + [out]
            )
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }

        /// The daemon with a card whose portrait is obama.jpg, and three 640×480 frames of
        /// obama2.jpg, each shifted a little (a live camera's frames change).
        static func withDesk(
            _ configure: (inout DaemonConfiguration) -> Void = { _ in },
            _ body: (RunningDaemon, TestClient, _ idNumber: String, _ frames: [String]) async throws -> Void
        ) async throws {
            try await DaemonFaceFixture.withPortraitCard(
                matcherIdleSeconds: 1,
                { configuration, _ in
                    configuration.maxLineLength = 1 << 20
                    configure(&configuration)
                }
            ) { daemon, client, idNumber, directory in
                var frames: [String] = []
                for shift in [0, 6, 12] {
                    frames.append(
                        try await convert(
                            [
                                "PHOTOS/obama2.jpg", "-resize", "x480", "-gravity", "center", "-background", "gray50",
                                "-extent", "640x480", "-roll", "+\(shift)+0", "-quality", "70",
                            ],
                            to: "frame\(shift).jpg",
                            in: directory
                        ).base64EncodedString()
                    )
                }
                try await body(daemon, client, idNumber, frames)
            }
        }

        @Test func theLiveFaceMatchesThePortraitOnceWithConsent() async throws {
            try await Self.withDesk { daemon, client, idNumber, frames in
                let observer = try await daemon.connect()
                defer { Task { await observer.close() } }
                try await observer.subscribe()

                let read = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
                #expect(read["result"]?["faceStatus"]?.stringValue == "read", "\(read)")
                #expect(read["result"]?["face"]?["data"] == nil, "no portrait in the record unless includeFace")

                let (check, notifications) = try await client.request(
                    2,
                    "face.check",
                    ["consent": true, "frames": .array(frames.map { .string($0) })],
                    seconds: 120
                )
                let result = try #require(check["result"], "\(check)")
                #expect(result["decision"]?.stringValue == "match")
                #expect(result["source"]?.stringValue == "file")
                #expect(result["frames"]?.intValue == 3)
                #expect((result["distance"]?.doubleValue ?? 1) <= 0.5)
                #expect(
                    result["checks"]?.arrayValue?.contains {
                        $0["name"]?.stringValue == "framesChange" && $0["outcome"]?.stringValue == "passed"
                    } == true
                )
                #expect(notifications.allSatisfy { $0["method"]?.stringValue != "face.check" })

                // The portrait is used once.
                let (again, _) = try await client.request(
                    3,
                    "face.check",
                    ["consent": true, "frames": .array([.string(frames[0])])],
                    seconds: 60
                )
                #expect(again["result"]?["decision"]?.stringValue == "unavailable")

                // The warm matcher exits after its idle time (1 s here); the next check starts
                // a new one.
                try await Task.sleep(for: .seconds(2))
                let reread = try await DaemonFaceFixture.read(client, 4, idNumber: idNumber)
                #expect(reread["result"]?["faceStatus"]?.stringValue == "read")
                let (second, _) = try await client.request(
                    5,
                    "face.check",
                    ["consent": true, "frames": .array(frames.map { .string($0) })],
                    seconds: 120
                )
                #expect(second["result"]?["decision"]?.stringValue == "match", "\(second)")

                // The observer heard of the read, never of the face check.
                let (completed, lines) = try await observer.waitFor("read.completed")
                #expect(completed["params"]?["outcome"]?.stringValue == "ok")
                #expect(lines.allSatisfy { !$0.contains("face.check") && !$0.contains(String(frames[0].prefix(64))) })
            }
        }

        @Test func withoutConsentNothingIsCompared() async throws {
            try await Self.withDesk { _, client, idNumber, frames in
                let read = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
                #expect(read["result"]?["faceStatus"]?.stringValue == "read", "\(read)")
                let (declined, _) = try await client.request(
                    2,
                    "face.check",
                    ["consent": false, "frames": .array([.string(frames[0])])]
                )
                #expect(declined["result"]?["decision"]?.stringValue == "declined")
                #expect(declined["result"]?["distance"] == .null)
                // Declining drops the portrait: consent given afterwards needs a new read.
                let (late, _) = try await client.request(
                    3,
                    "face.check",
                    ["consent": true, "frames": .array([.string(frames[0])])],
                    seconds: 60
                )
                #expect(late["result"]?["decision"]?.stringValue == "unavailable")
            }
        }

        @Test func aReadWithoutFaceCheckKeepsNoPortraitAndBadFramesAreRefused() async throws {
            try await Self.withDesk { _, client, idNumber, frames in
                let read = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber, faceCheck: false)
                #expect(read["result"]?["faceStatus"]?.stringValue == "read", "\(read)")
                let (none, _) = try await client.request(
                    2,
                    "face.check",
                    ["consent": true, "frames": .array([.string(frames[0])])],
                    seconds: 60
                )
                #expect(none["result"]?["decision"]?.stringValue == "unavailable")
                #expect(
                    none["result"]?["checks"]?.arrayValue?.first?["name"]?.stringValue == "portraitFace"
                )

                let (missing, _) = try await client.request(3, "face.check", ["frames": .array([])])
                #expect(errorCode(missing) == -32602)
                let (notBase64, _) = try await client.request(
                    4,
                    "face.check",
                    ["consent": true, "frames": ["not base64!"]]
                )
                #expect(errorCode(notBase64) == -32602)
                #expect(notBase64["error"]?["message"]?.stringValue?.contains("not base64") == false)
            }
        }
    }
}
