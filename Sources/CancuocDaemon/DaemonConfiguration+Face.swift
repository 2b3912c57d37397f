import FaceCheck
import Foundation

extension DaemonConfiguration {
    /// The face check at the desk (`"face"` in the file; docs/face-check.md, docs/operations.md).
    public struct Face: Sendable, Hashable, Codable {
        /// The numbers behind a decision; a province sets them from `cancuoc face calibrate`.
        public var thresholds = FaceThresholds.defaults
        /// The daemon keeps one matcher running between checks (a cold start costs 0.5–1.4 s);
        /// it exits after this many seconds without a check, giving its memory back (~70 MB).
        public var matcherIdleSeconds = FaceMatcherConfiguration.defaultIdleSeconds

        public init() {}
    }

    /// The ranges of `face` (part of `validate()`).
    func validateFace() throws(DaemonConfigurationError) {
        if face.thresholds.problem != nil {
            throw .invalidValue(
                setting: "face.thresholds",
                "such that \(FaceThresholds.requirement.en)",
                vi: "sao cho \(FaceThresholds.requirement.vi)"
            )
        }
        let idle = Self.matcherIdleRange
        if !idle.contains(face.matcherIdleSeconds) {
            throw .invalidValue(
                setting: "face.matcherIdleSeconds",
                "between \(idle.lowerBound) and \(idle.upperBound)",
                vi: "từ \(idle.lowerBound) đến \(idle.upperBound)"
            )
        }
    }

    static let matcherIdleRange = 1...86_400

    /// The daemon's matcher: the installed one (or the environment's, for a development build)
    /// with this file's idle time.
    public func faceMatcherConfiguration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> FaceMatcherConfiguration {
        var c = FaceMatcherConfiguration.fromEnvironment(environment)
        c.idleSeconds = face.matcherIdleSeconds
        return c
    }
}
