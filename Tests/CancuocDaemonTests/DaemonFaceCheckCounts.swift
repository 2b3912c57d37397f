import FaceCheck
import Foundation
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CancuocUsage
@testable import ServiceTestSupport

extension DaemonIntegration.DaemonFaceCheck {
    /// The usage log counts each finished face check under the reader of its read, by decision
    /// (docs/face-check.md), over the real socket with the real matcher; `inventory.summary` and
    /// the metrics show them; nothing of a face reaches the database.
    @Test func finishedChecksAreCountedPerReaderAndDecisionAndNothingOfTheFaceIsStored() async throws {
        try await Self.withDesk { daemon, client, idNumber, frames in
            var read = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
            #expect(read["result"]?["faceStatus"]?.stringValue == "read", "\(read)")
            let (match, _) = try await client.request(
                2,
                "face.check",
                ["consent": true, "frames": .array(frames.map { .string($0) })],
                seconds: 120
            )
            #expect(match["result"]?["decision"]?.stringValue == "match", "\(match)")
            read = try await DaemonFaceFixture.read(client, 3, idNumber: idNumber)
            #expect(read["result"]?["faceStatus"]?.stringValue == "read")
            let (declined, _) = try await client.request(4, "face.check", ["consent": false])
            #expect(declined["result"]?["decision"]?.stringValue == "declined")
            // No read waiting: this check belongs to no reader and is not counted.
            let (orphan, _) = try await client.request(
                5,
                "face.check",
                ["consent": true, "frames": .array([.string(frames[0])])],
                seconds: 60
            )
            #expect(orphan["result"]?["decision"]?.stringValue == "unavailable")

            await daemon.usage.flush()
            let (summary, _) = try await client.request(6, "inventory.summary")
            let readers = try #require(summary["result"]?["readers"]?.arrayValue)
            let row = try #require(readers.first { $0["usage"]?["last30Days"]?["reads"]?.intValue == 2 }, "\(readers)")
            let reader = try #require(row["id"]?.stringValue)
            #expect(row["usage"]?["faceChecks30Days"] == ["match": 1, "declined": 1], "\(row)")
            #expect(summary["result"]?["totals"]?["faceChecks30Days"] == ["match": 1, "declined": 1])

            let metrics = MetricsTextfileWriter.render(
                await daemon.usage.metricsSnapshot(),
                lostEvents: 0,
                pcscUp: true
            )
            #expect(metrics.contains(#"cancuoc_face_checks_total{reader_id="\#(reader)",decision="match"} 1"#))
            #expect(metrics.contains(#"cancuoc_face_checks_total{reader_id="\#(reader)",decision="declined"} 1"#))
            #expect(metrics.contains(#"cancuoc_face_checks_total{reader_id="\#(reader)",decision="noMatch"} 0"#))

            // The database and its WAL hold no piece of a frame (raw or base64), no distance.
            let distance = try #require(match["result"]?["distance"]?.doubleValue)
            for name in try FileManager.default.contentsOfDirectory(atPath: daemon.directory)
            where name.hasPrefix("usage.sqlite") {
                let stored = try Data(contentsOf: URL(fileURLWithPath: daemon.directory + "/" + name))
                for frame in frames {
                    let bytes = try #require(Data(base64Encoded: frame))
                    #expect(stored.range(of: bytes.subdata(in: 600..<664)) == nil, "\(name) holds a frame")
                    #expect(stored.range(of: Data(frame.utf8).subdata(in: 800..<864)) == nil, "\(name) holds a frame")
                }
                #expect(stored.range(of: Data("\(distance)".utf8)) == nil, "\(name) holds the distance")
            }
        }
    }

    /// `face.thresholds` in cancuocd.json reach the daemon's checks: with the match line below
    /// this person's distance (0.33–0.44), the same frames are `noMatch`.
    @Test func theThresholdsOfTheConfigurationDecide() async throws {
        try await Self.withDesk({
            $0.face.thresholds.portraitReplayBelow = 0.05
            $0.face.thresholds.matchAtMost = 0.1
            $0.face.thresholds.noMatchAbove = 0.2
        }) { daemon, client, idNumber, frames in
            let read = try await DaemonFaceFixture.read(client, 1, idNumber: idNumber)
            #expect(read["result"]?["faceStatus"]?.stringValue == "read", "\(read)")
            let (check, _) = try await client.request(
                2,
                "face.check",
                ["consent": true, "frames": .array(frames.map { .string($0) })],
                seconds: 120
            )
            #expect(check["result"]?["decision"]?.stringValue == "noMatch", "\(check)")
            #expect(check["result"]?["thresholds"]?["matchAtMost"]?.doubleValue == 0.1)
            #expect(check["result"]?["thresholds"]?["noMatchAbove"]?.doubleValue == 0.2)
        }
    }
}
