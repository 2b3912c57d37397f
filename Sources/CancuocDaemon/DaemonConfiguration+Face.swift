import CancuocAPI
import FaceCamera
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
        /// The daemon's own camera, for an HIS that runs on this PC (`face.check` with
        /// `camera: true`); none unless `device` is set.
        public var camera = Camera()

        public init() {}
    }

    /// `face.camera` (docs/face-check.md § The daemon's camera, docs/operations.md).
    public struct Camera: Sendable, Hashable, Codable {
        /// A V4L2 device (`/dev/video0`, better its `/dev/v4l/by-id/…` link), or with `type` "y4m"
        /// a YUV4MPEG2 file or pipe (tests, demonstrations); null: no camera.
        public var device: String?
        /// "v4l2" or "y4m" (`CameraSource.Kind`).
        public var type = CameraSource.Kind.v4l2.rawValue
        /// The size asked of the camera.
        public var width = 640
        public var height = 480
        /// Frames compared for one check (two or more: the still-picture check compares them).
        public var frames = 3
        /// At least this long between two frames kept.
        public var frameIntervalMilliseconds = 200
        /// Frames of the camera's first moments are dropped while its exposure settles.
        public var warmupMilliseconds = 500
        /// No frame for this long: the camera is gone and the check answers `unavailable`.
        public var frameTimeoutMilliseconds = 2000

        public init() {}

        /// Every key written, `device` as null when there is no camera (the file lists every setting).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(device, forKey: .device)
            try c.encode(type, forKey: .type)
            try c.encode(width, forKey: .width)
            try c.encode(height, forKey: .height)
            try c.encode(frames, forKey: .frames)
            try c.encode(frameIntervalMilliseconds, forKey: .frameIntervalMilliseconds)
            try c.encode(warmupMilliseconds, forKey: .warmupMilliseconds)
            try c.encode(frameTimeoutMilliseconds, forKey: .frameTimeoutMilliseconds)
        }

        static let widthRange = 160...1920
        static let heightRange = 120...1080
        static let framesRange = 2...FaceCheckParams.maxFrames
        static let intervalRange = 0...2000
        static let warmupRange = 0...5000
        static let timeoutRange = 100...10_000
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
        try validateCamera()
    }

    static let matcherIdleRange = 1...86_400

    /// The ranges of `face.camera`.
    func validateCamera() throws(DaemonConfigurationError) {
        let camera = face.camera
        if let device = camera.device, !device.hasPrefix("/") {
            throw .invalidValue(
                setting: "face.camera.device",
                "an absolute path (/dev/video0, /dev/v4l/by-id/…, or a .y4m file or pipe) or null",
                vi: "một đường dẫn tuyệt đối (/dev/video0, /dev/v4l/by-id/…, hoặc tệp hay pipe .y4m) hoặc null"
            )
        }
        if CameraSource.Kind(rawValue: camera.type) == nil {
            throw .invalidValue(
                setting: "face.camera.type",
                "\"v4l2\" (a camera) or \"y4m\" (a video file or pipe)",
                vi: "\"v4l2\" (camera) hoặc \"y4m\" (tệp hay pipe video)"
            )
        }
        let ranges: [(Int, ClosedRange<Int>, String)] = [
            (camera.width, Camera.widthRange, "width"),
            (camera.height, Camera.heightRange, "height"),
            (camera.frames, Camera.framesRange, "frames"),
            (camera.frameIntervalMilliseconds, Camera.intervalRange, "frameIntervalMilliseconds"),
            (camera.warmupMilliseconds, Camera.warmupRange, "warmupMilliseconds"),
            (camera.frameTimeoutMilliseconds, Camera.timeoutRange, "frameTimeoutMilliseconds"),
        ]
        for (value, range, name) in ranges where !range.contains(value) {
            throw .invalidValue(
                setting: "face.camera.\(name)",
                "between \(range.lowerBound) and \(range.upperBound)",
                vi: "từ \(range.lowerBound) đến \(range.upperBound)"
            )
        }
    }

    /// The daemon's camera, nil when `face.camera.device` is null. Call after `validate()`.
    public func faceCameraSource() -> CameraSource? {
        let camera = face.camera
        guard let device = camera.device, let kind = CameraSource.Kind(rawValue: camera.type) else { return nil }
        return CameraSource(
            path: device,
            kind: kind,
            width: camera.width,
            height: camera.height,
            frames: camera.frames,
            interval: .milliseconds(camera.frameIntervalMilliseconds),
            warmup: .milliseconds(camera.warmupMilliseconds),
            frameTimeout: .milliseconds(camera.frameTimeoutMilliseconds)
        )
    }

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
