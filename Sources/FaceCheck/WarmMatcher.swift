import Foundation
import Synchronization

/// A matcher kept running between checks (the daemon's): starting one and loading the models
/// costs 0.5–1.4 s, a warm check of three frames ~0.3 s. Checks run one at a time on a thread
/// of their own; a matcher that exited (its idle time) or broke is started again once, and one
/// whose executable was upgraded or removed (cancuoc-face) is replaced before the check, so a
/// package change takes effect at the next check without restarting the daemon. Frames,
/// portrait and descriptors are not kept between checks.
package final class WarmMatcher: Sendable {
    private let process = Mutex<MatcherProcess?>(nil)

    package init() {}

    deinit { stop() }

    package func check(
        configuration: FaceMatcherConfiguration,
        thresholds: FaceThresholds,
        portrait: FaceCheckImage,
        frames: [FaceCheckImage],
        source: FaceSource
    ) async -> (FaceCheckResult, FaceMatcherFailure?) {
        await withCheckedContinuation { continuation in
            Thread { [self] in
                continuation.resume(
                    returning: checkBlocking(configuration, thresholds, portrait, frames, source)
                )
            }.start()
        }
    }

    private func checkBlocking(
        _ configuration: FaceMatcherConfiguration,
        _ thresholds: FaceThresholds,
        _ portrait: FaceCheckImage,
        _ frames: [FaceCheckImage],
        _ source: FaceSource
    ) -> (FaceCheckResult, FaceMatcherFailure?) {
        process.withLock { running in
            if let warm = running, !warm.isCurrent || warm.executable != configuration.executable {
                warm.stop(deadline: .now)
                running = nil
            }
            let deadline = ContinuousClock.now.advanced(by: configuration.deadline)
            var analyses: [FaceAnalysis] = []
            defer {
                for i in analyses.indices { analyses[i].zero() }
            }
            func attempt(_ p: MatcherProcess) throws {
                analyses.removeAll()
                for image in [portrait] + frames {
                    try p.send(image, deadline: deadline)
                    switch try p.receive(deadline: deadline) {
                    case .analysis(let a): analyses.append(a)
                    case .failure(let f): throw FaceMatcherFailure.imageRefused(f)
                    }
                }
            }
            do {
                if let warm = running {
                    do {
                        try attempt(warm)
                    } catch FaceMatcherFailure.imageRefused(let f) {
                        throw FaceMatcherFailure.imageRefused(f)
                    } catch {
                        // It exited after its idle time, or broke: once more with a new one.
                        warm.stop(deadline: .now)
                        running = nil
                        let fresh = try MatcherProcess.start(configuration)
                        running = fresh
                        try attempt(fresh)
                    }
                } else {
                    let fresh = try MatcherProcess.start(configuration)
                    running = fresh
                    try attempt(fresh)
                }
            } catch let failure as FaceMatcherFailure {
                if case .imageRefused = failure {
                } else {
                    running?.stop(deadline: .now)
                    running = nil
                }
                return (.without(.unavailable, source: source, thresholds: thresholds), failure)
            } catch {
                running?.stop(deadline: .now)
                running = nil
                return (.without(.unavailable, source: source, thresholds: thresholds), .closedConnection)
            }
            let result = FaceCheckPolicy.decide(
                portrait: analyses[0],
                frames: Array(analyses.dropFirst()),
                source: source,
                thresholds: thresholds
            )
            return (result, nil)
        }
    }

    /// The running matcher's process id (tests).
    package var runningPID: pid_t? { process.withLock { $0?.pid } }

    /// Stops the running matcher (configuration changed, daemon stopping).
    package func stop() {
        process.withLock { running in
            running?.stop(deadline: .now)
            running = nil
        }
    }
}
