import FaceCheck
import Foundation
import Testing

@testable import CancuocDaemon

/// The face check's settings in cancuocd.json (docs/operations.md): thresholds and the warm
/// matcher's idle time, with their defaults and ranges.
@Suite struct DaemonFaceSettingsTests {
    @Test func theDefaultsAreTheFaceCheckDefaults() throws {
        let c = DaemonConfiguration()
        #expect(c.face.thresholds == FaceThresholds.defaults)
        #expect(c.face.matcherIdleSeconds == 60)
        let matcher = c.faceMatcherConfiguration(environment: [:])
        #expect(matcher.idleSeconds == 60)
        #expect(matcher.executable == FaceMatcherConfiguration.installedExecutable)
    }

    @Test func aThresholdSetAloneKeepsTheOthersAndTheIdleTimeReachesTheMatcher() throws {
        let c = try DaemonConfiguration.parse(
            Data(#"{"face":{"thresholds":{"matchAtMost":0.45},"matcherIdleSeconds":300}}"#.utf8)
        )
        var expected = FaceThresholds.defaults
        expected.matchAtMost = 0.45
        #expect(c.face.thresholds == expected)
        let matcher = c.faceMatcherConfiguration(environment: ["CANCUOC_FACE_MATCHER": "/opt/m"])
        #expect(matcher.idleSeconds == 300 && matcher.executable == "/opt/m")
        #expect(DaemonCore(configuration: c).faceDesk.configuration.idleSeconds == 300)
    }

    @Test(arguments: [
        (
            #"{"face":{"thresholds":{"matchAtMost":0.7}}}"#,
            "face.thresholds must be such that 0 ≤ portraitReplayBelow < matchAtMost ≤ noMatchAbove ≤ 2"
        ),
        (#"{"face":{"thresholds":{"portraitReplayBelow":0.5}}}"#, "phải sao cho 0 ≤ portraitReplayBelow"),
        (#"{"face":{"thresholds":{"minFaceWidth":0}}}"#, "minFaceWidth > 0"),
        (#"{"face":{"thresholds":{"noMatchAbove":"high"}}}"#, "wrong type for face.thresholds.noMatchAbove"),
        (#"{"face":{"matcherIdleSeconds":0}}"#, "face.matcherIdleSeconds must be between 1 and 86400"),
        (#"{"face":{"matcherIdleSeconds":100000}}"#, "phải từ 1 đến 86400"),
        (#"{"face":{"threshold":{"matchAtMost":0.4}}}"#, "unknown settings: face.threshold"),
        (#"{"face":{"thresholds":{"match":0.4}}}"#, "unknown settings: face.thresholds.match"),
    ])
    func badFaceSettingsAreRefusedInEnglishAndVietnamese(text: String, expected: String) {
        #expect {
            _ = try DaemonConfiguration.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
