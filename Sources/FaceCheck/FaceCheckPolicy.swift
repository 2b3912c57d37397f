/// The one rule from analyses to a decision (docs/face-check.md § How it decides). Pure: the
/// matcher measures, this decides; the unit tests drive it with analyses and the integration
/// tests with real photos through the real matcher.
package enum FaceCheckPolicy {
    package static func decide(
        portrait: FaceAnalysis,
        frames: [FaceAnalysis],
        source: FaceSource,
        thresholds t: FaceThresholds
    ) -> FaceCheckResult {
        var checks: [FaceCheckStep] = []
        func result(_ decision: FaceDecision, distance: Double? = nil) -> FaceCheckResult {
            FaceCheckResult(
                decision: decision,
                distance: distance,
                thresholds: t,
                checks: checks,
                source: source,
                frames: frames.count
            )
        }

        guard portrait.faceCount == 1, let portraitDescriptor = portrait.descriptor else {
            checks.append(.init(.portraitFace, .failed))
            return result(.unavailable)
        }
        checks.append(.init(.portraitFace, .passed))

        guard !frames.isEmpty else {
            checks.append(.init(.oneFace, .failed))
            return result(.noFace)
        }
        if frames.contains(where: { $0.faceCount == 0 }) {
            checks.append(.init(.oneFace, .failed))
            return result(.noFace)
        }
        if frames.contains(where: { $0.faceCount > 1 }) {
            checks.append(.init(.oneFace, .failed))
            return result(.multipleFaces)
        }
        checks.append(.init(.oneFace, .passed))

        var distances: [Double] = []
        for frame in frames {
            // One face was found in every frame, so every frame has a descriptor; a frame
            // without one (the matcher could not align it) cannot be compared.
            guard let descriptor = frame.descriptor else {
                checks.append(.init(.oneFace, .failed))
                return result(.noFace)
            }
            distances.append(distance(descriptor, portraitDescriptor))
        }
        let mean = distances.reduce(0, +) / Double(distances.count)

        // The chip portrait itself, whatever its size: a presentation, not a quality problem.
        if distances.contains(where: { $0 < t.portraitReplayBelow }) {
            checks.append(.init(.notChipPortrait, .failed))
            return result(.notLive, distance: mean)
        }
        checks.append(.init(.notChipPortrait, .passed))

        if frames.contains(where: { ($0.face?.width ?? 0) < t.minFaceWidth }) {
            checks.append(.init(.faceSize, .failed))
            return result(.faceTooSmall)
        }
        checks.append(.init(.faceSize, .passed))
        if frames.contains(where: { Double($0.sharpness) < t.minSharpness }) {
            checks.append(.init(.sharpness, .failed))
            return result(.faceTooSmall)
        }
        checks.append(.init(.sharpness, .passed))

        if frames.count < 2 {
            checks.append(.init(.framesChange, .notApplicable))
        } else {
            var largestChange = 0.0
            for (a, b) in zip(frames, frames.dropFirst()) {
                largestChange = max(largestChange, meanDifference(a.thumbnail, b.thumbnail))
            }
            if largestChange < t.stillFrameBelow {
                checks.append(.init(.framesChange, .failed))
                return result(.notLive, distance: mean)
            }
            checks.append(.init(.framesChange, .passed))
        }

        if mean <= t.matchAtMost {
            checks.append(.init(.distance, .passed))
            return result(.match, distance: mean)
        }
        checks.append(.init(.distance, .failed))
        return result(mean > t.noMatchAbove ? .noMatch : .uncertain, distance: mean)
    }

    /// dlib's distance: Euclidean, over the 128 numbers.
    package static func distance(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        var sum = 0.0
        for i in a.indices {
            let d = Double(a[i]) - Double(b[i])
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// Mean absolute difference of two grey thumbnails, in grey levels.
    package static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var sum = 0
        for i in a.indices { sum += abs(Int(a[i]) - Int(b[i])) }
        return Double(sum) / Double(a.count)
    }
}
