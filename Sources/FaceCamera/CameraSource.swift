import FaceCheck

/// The daemon's own camera (cancuocd.json `face.camera`, docs/face-check.md § The daemon's camera):
/// where the frames come from and how many.
public struct CameraSource: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A V4L2 video capture device (`/dev/video0`, better `/dev/v4l/by-id/…`).
        case v4l2
        /// A YUV4MPEG2 file (read from its start, looped) or pipe (read as it comes): tests and
        /// demonstrations, with the same checks as a camera.
        case y4m
    }

    public var path: String
    public var kind: Kind
    /// The size asked of a V4L2 camera (it may answer another; a Y4M stream says its own).
    public var width: Int
    public var height: Int
    /// Frames kept for one check (the multi-frame liveness check needs two or more).
    public var frames: Int
    /// At least this long between two kept frames (a live face moves between them).
    public var interval: Duration
    /// Frames of the first this-long are dropped: a camera's exposure settles after it starts.
    public var warmup: Duration
    /// A camera that gives no frame for this long is gone: the check answers `unavailable`.
    public var frameTimeout: Duration

    public init(
        path: String,
        kind: Kind = .v4l2,
        width: Int = 640,
        height: Int = 480,
        frames: Int = 3,
        interval: Duration = .milliseconds(200),
        warmup: Duration = .milliseconds(500),
        frameTimeout: Duration = .seconds(2)
    ) {
        self.path = path
        self.kind = kind
        self.width = width
        self.height = height
        self.frames = frames
        self.interval = interval
        self.warmup = warmup
        self.frameTimeout = frameTimeout
    }

    /// The most a frame may take in memory (the matcher's own frame limit, less its header).
    public static let maxFrameBytes = 8 * 1024 * 1024 - 64
}

/// Why the camera gave no frames. Every case ends as `FaceDecision.unavailable` with the camera's
/// sentence; `reason` is for the technician's log (English, no personal data).
public struct CameraFailure: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// No such device or file (unplugged, misspelt).
        case missing
        /// Permission: the service's camera drop-in is not installed (docs/face-check.md).
        case denied
        /// Not a V4L2 capture device, or not a Y4M stream.
        case notACamera
        /// A format or size the daemon does not take.
        case unsupported
        /// No frame within `frameTimeout`.
        case timedOut
        /// The stream ended (a pipe closed, an empty file) before enough frames.
        case ended
        /// Anything else the device or the system refused.
        case failed
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The desk's sentence, in Vietnamese and English.
    public static let message = (
        vi: "Camera của máy không cho hình ảnh (chưa cắm, bị rút ra hoặc đang bận); việc đọc thẻ không bị ảnh hưởng.",
        en:
            "The computer's camera gave no picture (not plugged in, unplugged or busy); reading the card is not affected."
    )
}
