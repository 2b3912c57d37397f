import Testing

@testable import FaceCheck

/// The decision rule on analyses (the matcher's measurements), one case per decision.
@Suite struct FaceCheckDecisionRule {
    static let portraitDescriptor = [Float](repeating: 0, count: 128)

    static func face(
        distance: Float,
        width: Int = 200,
        sharpness: Float = 300,
        thumbnail: UInt8 = 100,
        faces: Int = 1
    )
        -> FaceAnalysis
    {
        // A descriptor `distance` away from the portrait's (all zeros): one coordinate moved.
        var descriptor = portraitDescriptor
        descriptor[0] = distance
        return FaceAnalysis(
            width: 640,
            height: 480,
            faceCount: faces,
            face: faces > 0 ? FaceBox(left: 10, top: 10, width: width, height: width) : nil,
            sharpness: sharpness,
            descriptor: faces == 1 ? descriptor : nil,
            thumbnail: [UInt8](repeating: thumbnail, count: 256)
        )
    }

    static let portrait = face(distance: 0)

    func decide(_ frames: [FaceAnalysis], source: FaceSource = .browser) -> FaceCheckResult {
        FaceCheckPolicy.decide(portrait: Self.portrait, frames: frames, source: source, thresholds: .defaults)
    }

    func moving(_ distance: Float) -> [FaceAnalysis] {
        [Self.face(distance: distance, thumbnail: 100), Self.face(distance: distance, thumbnail: 110)]
    }

    @Test func closeIsAMatch() {
        let r = decide(moving(0.35))
        #expect(r.decision == .match)
        #expect(r.distance == 0.35)
        #expect(
            r.checks.map(\.name) == [
                .portraitFace, .oneFace, .notChipPortrait, .faceSize, .sharpness, .framesChange, .distance,
            ]
        )
        #expect(r.checks.allSatisfy { $0.outcome == .passed })
    }

    @Test func farIsNoMatchAndBetweenIsUncertain() {
        #expect(decide(moving(0.85)).decision == .noMatch)
        #expect(decide(moving(0.55)).decision == .uncertain)
        #expect(decide(moving(0.5)).decision == .match)
        #expect(decide(moving(0.61)).decision == .noMatch)
    }

    @Test func facesCountedInEveryFrame() {
        #expect(decide([Self.face(distance: 0.3), Self.face(distance: 0, faces: 0)]).decision == .noFace)
        #expect(decide([Self.face(distance: 0.3), Self.face(distance: 0, faces: 2)]).decision == .multipleFaces)
    }

    @Test func smallOrBlurredFacesAreTooSmall() {
        let small = decide([Self.face(distance: 0.3, width: 60, thumbnail: 1), Self.face(distance: 0.3)])
        #expect(small.decision == .faceTooSmall)
        #expect(small.checks.last == FaceCheckStep(.faceSize, .failed))
        let blurred = decide([Self.face(distance: 0.3, sharpness: 3, thumbnail: 1), Self.face(distance: 0.3)])
        #expect(blurred.decision == .faceTooSmall)
        #expect(blurred.checks.last == FaceCheckStep(.sharpness, .failed))
    }

    @Test func thePortraitItselfIsNotLive() {
        let r = decide(moving(0.05))
        #expect(r.decision == .notLive)
        #expect(r.checks.last == FaceCheckStep(.notChipPortrait, .failed))
    }

    @Test func aStillPictureFromACameraIsNotLive() {
        let still = [Self.face(distance: 0.35), Self.face(distance: 0.35), Self.face(distance: 0.35)]
        let r = decide(still, source: .daemonCamera)
        #expect(r.decision == .notLive)
        #expect(r.checks.last == FaceCheckStep(.framesChange, .failed))
    }

    @Test func aPhotoFileSaysTheFrameCheckDidNotApply() {
        let r = decide([Self.face(distance: 0.35)], source: .file)
        #expect(r.decision == .match)
        #expect(r.checks.contains(FaceCheckStep(.framesChange, .notApplicable)))
        #expect(r.source == .file)
    }

    @Test func aPortraitWithoutOneFaceMakesTheCheckUnavailable() {
        let r = FaceCheckPolicy.decide(
            portrait: Self.face(distance: 0, faces: 0),
            frames: moving(0.3),
            source: .browser,
            thresholds: .defaults
        )
        #expect(r.decision == .unavailable)
        #expect(r.checks == [FaceCheckStep(.portraitFace, .failed)])
    }

    @Test func everyDecisionHasTwoSentences() {
        for decision in FaceDecision.allCases {
            #expect(!decision.message.vi.isEmpty && !decision.message.en.isEmpty)
            #expect(decision.message.vi != decision.message.en)
        }
        #expect(FaceThresholds.defaults.problem == nil)
        var wrong = FaceThresholds.defaults
        wrong.matchAtMost = 0.7
        #expect(wrong.problem != nil)
    }
}
