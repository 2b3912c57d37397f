/// The numbers behind a decision, configurable, reported with every result (docs/face-check.md
/// § Thresholds). The distance is dlib's: Euclidean between two 128-number descriptors of
/// `dlib_face_recognition_resnet_model_v1`; dlib's own threshold for "same person" is 0.6
/// (99.38 % on LFW). The packaged model is reported weaker on East Asian faces: a province
/// calibrates on consenting staff before relying on the decision.
public struct FaceThresholds: Codable, Hashable, Sendable {
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

    /// How the numbers must stand together, by their names in cancuocd.json, in Vietnamese and English.
    public static let requirement = (
        vi: "0 ≤ portraitReplayBelow < matchAtMost ≤ noMatchAbove ≤ 2, minFaceWidth > 0 (điểm ảnh), "
            + "minSharpness ≥ 0 và stillFrameBelow ≥ 0",
        en: "0 ≤ portraitReplayBelow < matchAtMost ≤ noMatchAbove ≤ 2, minFaceWidth > 0 (pixels), "
            + "minSharpness ≥ 0 and stillFrameBelow ≥ 0"
    )

    /// Nil when the numbers make sense together; else a sentence in Vietnamese and English.
    public var problem: (vi: String, en: String)? {
        let inRange = [matchAtMost, noMatchAbove, portraitReplayBelow].allSatisfy { $0 >= 0 && $0 <= 2 }
        guard inRange, matchAtMost <= noMatchAbove, portraitReplayBelow < matchAtMost, minFaceWidth > 0,
            minSharpness >= 0, stillFrameBelow >= 0, minSharpness.isFinite, stillFrameBelow.isFinite
        else {
            return (
                "Ngưỡng kiểm tra khuôn mặt không hợp lệ: cần \(Self.requirement.vi).",
                "Invalid face check thresholds: need \(Self.requirement.en)."
            )
        }
        return nil
    }
}
