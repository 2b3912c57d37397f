import Foundation

/// `cancuoc face calibrate DIR` (docs/face-check.md § Calibration): distances between
/// photos of consenting staff, one folder per person, the false-match and false-non-match rates
/// they give at each threshold, and the thresholds they suggest. Only numbers: no name, no image.
public struct FaceCalibration: Codable, Equatable, Sendable {
    public struct Point: Codable, Equatable, Sendable {
        public var threshold: Double
        /// Pairs of different people at or under the threshold, over all such pairs.
        public var falseMatchRate: Double
        /// Pairs of the same person above the threshold, over all such pairs.
        public var falseNonMatchRate: Double
    }

    public var people: Int
    public var photos: Int
    /// Photos left out: no face, several faces, or not an image the matcher decodes.
    public var photosWithoutOneFace: Int
    public var genuinePairs: Int
    public var impostorPairs: Int
    public var genuineDistance: Summary?
    public var impostorDistance: Summary?
    public var curve: [Point]
    /// Nil when the folder cannot support a proposal (fewer than two people, or no genuine pair).
    public var proposed: FaceThresholds?

    public struct Summary: Codable, Equatable, Sendable {
        public var min: Double
        public var median: Double
        public var max: Double
    }

    /// The proposal only tightens: `matchAtMost` is the largest threshold with no false match in
    /// the folder, never above the default (a small folder has few impostor pairs, so "no false
    /// match" up to 0.8 proves little); `noMatchAbove` is the smallest threshold at or above it
    /// with at most 1 % false non-matches (the band between is `uncertain`: staff look). On a
    /// 0.01 grid from 0.20 to 1.00; the other settings keep their defaults.
    package static func compute(descriptorsByPerson: [[[Float]]], photos: Int, withoutOneFace: Int) -> FaceCalibration {
        var genuine: [Double] = []
        var impostor: [Double] = []
        for (p, person) in descriptorsByPerson.enumerated() {
            for i in person.indices {
                for j in person.indices where j > i {
                    genuine.append(FaceCheckPolicy.distance(person[i], person[j]))
                }
                for other in descriptorsByPerson[(p + 1)...] {
                    for d in other { impostor.append(FaceCheckPolicy.distance(person[i], d)) }
                }
            }
        }
        let grid = stride(from: 20, through: 100, by: 1).map { Double($0) / 100 }
        let curve = grid.map { t in
            Point(
                threshold: t,
                falseMatchRate: impostor.isEmpty
                    ? 0 : Double(impostor.filter { $0 <= t }.count) / Double(impostor.count),
                falseNonMatchRate: genuine.isEmpty ? 0 : Double(genuine.filter { $0 > t }.count) / Double(genuine.count)
            )
        }
        var proposed: FaceThresholds? = nil
        if !genuine.isEmpty, !impostor.isEmpty,
            let match = curve.last(where: { $0.falseMatchRate == 0 })?.threshold
        {
            var t = FaceThresholds.defaults
            t.matchAtMost = min(match, FaceThresholds.defaults.matchAtMost)
            let floor = t.matchAtMost
            t.noMatchAbove =
                curve.first(where: { $0.threshold >= floor - 1e-9 && $0.falseNonMatchRate <= 0.01 })?.threshold ?? 1.0
            t.portraitReplayBelow = min(t.portraitReplayBelow, t.matchAtMost / 2)
            proposed = t
        }
        return FaceCalibration(
            people: descriptorsByPerson.filter { !$0.isEmpty }.count,
            photos: photos,
            photosWithoutOneFace: withoutOneFace,
            genuinePairs: genuine.count,
            impostorPairs: impostor.count,
            genuineDistance: summary(genuine),
            impostorDistance: summary(impostor),
            curve: curve,
            proposed: proposed
        )
    }

    static func summary(_ values: [Double]) -> Summary? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let round = { (x: Double) in (x * 1000).rounded() / 1000 }
        return Summary(
            min: round(sorted[0]),
            median: round(sorted[sorted.count / 2]),
            max: round(sorted[sorted.count - 1])
        )
    }
}

extension FaceChecker {
    /// Analyses every image in one matcher session (calibration, the benchmark). Images the
    /// matcher refuses are nil.
    package func analyse(_ images: [FaceCheckImage]) async -> Result<[FaceAnalysis?], FaceMatcherFailure> {
        let configuration = self.configuration
        return await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: FaceChecker.analyseBlocking(images, configuration: configuration))
            }.start()
        }
    }

    static func analyseBlocking(
        _ images: [FaceCheckImage],
        configuration: FaceMatcherConfiguration
    ) -> Result<
        [FaceAnalysis?], FaceMatcherFailure
    > {
        // A whole folder may take a while: the deadline is per image here.
        do {
            let process = try MatcherProcess.start(configuration)
            var deadline = ContinuousClock.now.advanced(by: configuration.deadline)
            defer { process.stop(deadline: deadline) }
            var out: [FaceAnalysis?] = []
            for image in images {
                deadline = ContinuousClock.now.advanced(by: configuration.deadline)
                try process.send(image, deadline: deadline)
                switch try process.receive(deadline: deadline) {
                case .analysis(let analysis): out.append(analysis)
                case .failure: out.append(nil)
                }
            }
            return .success(out)
        } catch let failure as FaceMatcherFailure {
            return .failure(failure)
        } catch {
            return .failure(.closedConnection)
        }
    }
}
