/// The `faceCheck` object of the record, the API and `cancuoc read --json` (docs/face-check.md): the
/// decision, the numbers behind it, and which checks ran. No image, descriptor or score that
/// the model does not produce.
public struct FaceCheckResult: Codable, Equatable, Sendable {
    public var decision: FaceDecision
    /// The mean distance between the live frames' descriptors and the portrait's (dlib's
    /// Euclidean distance; smaller is more alike). Nil when no comparison was made.
    public var distance: Double?
    public var thresholds: FaceThresholds
    public var model: String
    /// The checks that ran, in order; a check that did not apply says so.
    public var checks: [FaceCheckStep]
    public var source: FaceSource
    /// How many live frames were analysed.
    public var frames: Int
    public var message: String
    public var messageVi: String

    public init(
        decision: FaceDecision,
        distance: Double?,
        thresholds: FaceThresholds,
        checks: [FaceCheckStep],
        source: FaceSource,
        frames: Int,
        model: String = FaceCheckResult.model
    ) {
        self.decision = decision
        self.distance = distance.map { ($0 * 1000).rounded() / 1000 }
        self.thresholds = thresholds
        self.model = model
        self.checks = checks
        self.source = source
        self.frames = frames
        self.message = decision.message.en
        self.messageVi = decision.message.vi
    }

    enum CodingKeys: String, CodingKey {
        case decision, distance, thresholds, model, checks, source, frames, message, messageVi
    }

    /// Every key present; `distance` is `null` when no comparison was made.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(decision, forKey: .decision)
        try c.encode(distance, forKey: .distance)
        try c.encode(thresholds, forKey: .thresholds)
        try c.encode(model, forKey: .model)
        try c.encode(checks, forKey: .checks)
        try c.encode(source, forKey: .source)
        try c.encode(frames, forKey: .frames)
        try c.encode(message, forKey: .message)
        try c.encode(messageVi, forKey: .messageVi)
    }

    /// The models the matcher runs (dlib 19.24 from Debian, the files of the PyPI sdist
    /// face_recognition_models 0.3.0).
    public static let model =
        "dlib 19.24: HOG frontal face detector, shape_predictor_5_face_landmarks, dlib_face_recognition_resnet_model_v1"

    /// A result without a comparison (declined, unavailable).
    public static func without(
        _ decision: FaceDecision,
        source: FaceSource,
        thresholds: FaceThresholds = .defaults,
        checks: [FaceCheckStep] = []
    ) -> FaceCheckResult {
        FaceCheckResult(
            decision: decision,
            distance: nil,
            thresholds: thresholds,
            checks: checks,
            source: source,
            frames: 0
        )
    }
}

/// One check of a face check and how it ended.
public struct FaceCheckStep: Codable, Equatable, Sendable {
    public enum Name: String, Codable, CaseIterable, Sendable {
        /// The daemon's camera gave its frames (only for `source` `daemonCamera`).
        case camera
        /// The chip portrait has exactly one face the model can describe.
        case portraitFace
        /// Every live frame has exactly one face.
        case oneFace
        /// The face is at least `minFaceWidth` pixels wide.
        case faceSize
        /// The face is sharp enough (`minSharpness`).
        case sharpness
        /// No live frame is (nearly) the chip portrait itself.
        case notChipPortrait
        /// The camera's frames change (not one still picture). Not applicable to one photo file.
        case framesChange
        /// The distance to the portrait against the match thresholds.
        case distance
    }

    public enum Outcome: String, Codable, Sendable {
        case passed, failed, notApplicable
    }

    public var name: Name
    public var outcome: Outcome

    public init(_ name: Name, _ outcome: Outcome) {
        self.name = name
        self.outcome = outcome
    }
}
