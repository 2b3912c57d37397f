import Foundation
import Testing

@testable import FaceCheck

@Suite struct FaceCalibrationRates {
    static func at(_ x: Float) -> [Float] {
        var d = [Float](repeating: 0, count: 128)
        d[0] = x
        return d
    }

    @Test func ratesAndProposalFollowTheDistances() throws {
        // Person A at 0.0, 0.3, 0.4 (pairs 0.3, 0.4, 0.1); person B at 1.2 (0.8–1.2 from A).
        let calibration = FaceCalibration.compute(
            descriptorsByPerson: [[Self.at(0), Self.at(0.3), Self.at(0.4)], [Self.at(1.2)]],
            photos: 5,
            withoutOneFace: 1
        )
        #expect(calibration.genuinePairs == 3 && calibration.impostorPairs == 3)
        #expect(calibration.genuineDistance?.max == 0.4)
        #expect(calibration.impostorDistance?.min == 0.8)
        let at035 = try #require(calibration.curve.first { abs($0.threshold - 0.35) < 1e-9 })
        #expect(abs(at035.falseNonMatchRate - 1.0 / 3.0) < 1e-9)
        #expect(at035.falseMatchRate == 0)
        let proposed = try #require(calibration.proposed)
        #expect(proposed.matchAtMost == FaceThresholds.defaults.matchAtMost, "never looser than the default")
        #expect(abs(proposed.noMatchAbove - 0.5) < 1e-9, "no genuine pair above 0.4")
        #expect(proposed.problem == nil)

        // Close impostors (B at 0.45 from A's first photo) tighten the match line below them,
        // and genuine pairs up to 0.4 put the no-match line at 0.40.
        let tight = FaceCalibration.compute(
            descriptorsByPerson: [[Self.at(0), Self.at(0.3), Self.at(0.4)], [Self.at(-0.45)]],
            photos: 4,
            withoutOneFace: 0
        )
        let t = try #require(tight.proposed)
        #expect(abs(t.matchAtMost - 0.44) < 1e-9)
        #expect(t.noMatchAbove >= t.matchAtMost)
        #expect(proposed.problem == nil)
    }

    @Test func oneFolderProposesNothing() {
        let calibration = FaceCalibration.compute(
            descriptorsByPerson: [[Self.at(0), Self.at(0.3)]],
            photos: 2,
            withoutOneFace: 0
        )
        #expect(calibration.proposed == nil)
    }
}
