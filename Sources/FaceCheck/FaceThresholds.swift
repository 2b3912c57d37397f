/// The numbers behind a decision, configurable, reported with every result (docs/face-check.md
/// § Thresholds). The distance is dlib's: Euclidean between two 128-number descriptors of
/// `dlib_face_recognition_resnet_model_v1`; dlib's own threshold for "same person" is 0.6
/// (99.38 % on LFW). The packaged model is reported weaker on East Asian faces: a province
/// calibrates on consenting staff before relying on the decision.
public struct FaceThresholds: Codable, Equatable, Sendable {
    /// At most this distance: `match`.
    public var matchAtMost: Double
    /// Above this distance: `noMatch`; between the two: `uncertain`.
    public var noMatchAbove: Double
    /// A live face narrower than this (pixels of the frame): `faceTooSmall`.
    public var minFaceWidth: Int
    /// A live face whose Laplacian variance (grey levels²) is below this: too blurred.
    public var minSharpness: Double
    /// A live frame closer than this to the chip portrait is the portrait itself shown to the
    /// camera (or sent as a frame): `notLive`. Two photos of one person are 0.3–0.45 apart with
    /// this model; the same photo rescaled or re-encoded 0.02–0.1.
    public var portraitReplayBelow: Double
    /// Camera frames whose 16×16 grey thumbnails differ by less than this mean (grey levels)
    /// are one still picture: `notLive`.
    public var stillFrameBelow: Double

    public static let defaults = FaceThresholds(
        matchAtMost: 0.5,
        noMatchAbove: 0.6,
        minFaceWidth: 80,
        minSharpness: 15,
        portraitReplayBelow: 0.15,
        stillFrameBelow: 0.5
    )

    public init(
        matchAtMost: Double,
        noMatchAbove: Double,
        minFaceWidth: Int,
        minSharpness: Double,
        portraitReplayBelow: Double,
        stillFrameBelow: Double
    ) {
        self.matchAtMost = matchAtMost
        self.noMatchAbove = noMatchAbove
        self.minFaceWidth = minFaceWidth
        self.minSharpness = minSharpness
        self.portraitReplayBelow = portraitReplayBelow
        self.stillFrameBelow = stillFrameBelow
    }

    /// Nil when the numbers make sense together; else a sentence in Vietnamese and English.
    public var problem: (vi: String, en: String)? {
        let inRange = [matchAtMost, noMatchAbove, portraitReplayBelow].allSatisfy { $0 >= 0 && $0 <= 2 }
        guard inRange, matchAtMost <= noMatchAbove, portraitReplayBelow < matchAtMost, minFaceWidth > 0,
            minSharpness >= 0, stillFrameBelow >= 0
        else {
            return (
                "Ngưỡng kiểm tra khuôn mặt không hợp lệ: cần 0 ≤ ngưỡng ảnh chip < ngưỡng khớp ≤ ngưỡng không khớp ≤ 2.",
                "Invalid face check thresholds: need 0 ≤ portrait replay < match ≤ no match ≤ 2."
            )
        }
        return nil
    }
}
