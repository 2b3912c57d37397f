import CCCD
import CancuocAPI
import CancuocUsage
import FaceCamera
import FaceCheck
import Foundation
import Logging
import Synchronization

/// The chip portraits kept for a face check (docs/face-check.md): one per connection,
/// only after a `card.read` with `faceCheck: true` whose verdict is not `failed`, in memory the
/// check zeroes (`FaceCheckImage`), dropped after one `face.check`, on the connection's next read,
/// when it closes, or after `keepFor`. Never logged, never broadcast, never in the usage log.
public final class FaceDesk: Sendable {
    private struct Kept {
        /// nil when the record had no portrait: the check answers `unavailable`.
        var portrait: FaceCheckImage?
        /// The reader of the read, for the usage log's count of checks per reader.
        var readerID: String
        var until: ContinuousClock.Instant
    }

    /// What `face.check` takes: the portrait (nil when the read had none, or it waited too
    /// long) and the reader whose read it came from.
    struct Taken {
        var portrait: FaceCheckImage?
        var readerID: String
    }

    private let kept = Mutex<[UInt64: Kept]>([:])
    private let settings: Mutex<(FaceMatcherConfiguration, FaceThresholds)>
    /// One matcher kept warm between checks (it exits by itself after its idle time).
    private let matcher = WarmMatcher()
    /// How long a portrait waits for its face check (consent, the camera, three frames).
    public static let keepFor: Duration = .seconds(180)
    /// At most this many portraits at once (one per connected desk is the normal case).
    public static let maxKept = 64

    /// The daemon's own camera (`face.camera`), nil when none is configured.
    let camera: FaceCamera?

    public init(
        configuration: FaceMatcherConfiguration = .fromEnvironment(),
        thresholds: FaceThresholds = .defaults,
        camera: CameraSource? = nil
    ) {
        settings = Mutex((configuration, thresholds))
        self.camera = camera.map { FaceCamera(source: $0) }
    }

    var thresholds: FaceThresholds { settings.withLock { $0.1 } }

    /// The matcher and thresholds (tests point them at a development build).
    public var configuration: FaceMatcherConfiguration {
        get { settings.withLock { $0.0 } }
        set {
            settings.withLock { $0.0 = newValue }
            matcher.stop()
        }
    }

    func keep(_ portrait: FaceCheckImage?, readerID: String, for connection: UInt64) {
        let now = ContinuousClock.now
        kept.withLock { kept in
            kept = kept.filter { $0.value.until > now }
            if kept.count >= Self.maxKept, let oldest = kept.min(by: { $0.value.until < $1.value.until }) {
                kept[oldest.key] = nil
            }
            kept[connection] = Kept(portrait: portrait, readerID: readerID, until: now + Self.keepFor)
        }
    }

    func drop(_ connection: UInt64) {
        _ = kept.withLock { $0.removeValue(forKey: connection) }
    }

    func take(_ connection: UInt64) -> Taken? {
        kept.withLock { kept in
            guard let entry = kept.removeValue(forKey: connection) else { return nil }
            return Taken(portrait: entry.until > .now ? entry.portrait : nil, readerID: entry.readerID)
        }
    }

    func check(
        portrait: FaceCheckImage,
        frames: [FaceCheckImage],
        source: FaceSource
    ) async -> (
        FaceCheckResult, FaceMatcherFailure?
    ) {
        let (configuration, thresholds) = settings.withLock { $0 }
        return await matcher.check(
            configuration: configuration,
            thresholds: thresholds,
            portrait: portrait,
            frames: frames,
            source: source
        )
    }
}

extension DaemonCore {
    /// After a `card.read`: drops this connection's previous portrait; with `faceCheck: true`
    /// and a verdict other than `failed`, keeps the new one for `face.check`, and takes it out
    /// of the record unless the caller asked `includeFace`.
    func keepPortraitForFaceCheck(
        _ record: inout CitizenRecord,
        params: CardReadParams,
        readerID: String,
        connection: Connection
    ) {
        faceDesk.drop(connection.id)
        guard params.faceCheck == true else { return }
        if record.verification.status != .failed {
            var portrait: FaceCheckImage?
            if var data = record.face?.data.flatMap({ Data(base64Encoded: $0) }) {
                portrait = FaceCheckImage(copying: data)
                data.withUnsafeMutableBytes { bytes in
                    for i in bytes.indices { bytes[i] = 0 }
                }
            }
            faceDesk.keep(portrait, readerID: readerID, for: connection.id)
        }
        if !params.options.includeFace { record.face?.data = nil }
    }

    /// `face.check`: the live frames against the portrait kept for this connection. The answer
    /// goes to this caller only; the log line has the decision and the distance, nothing else.
    func faceCheck(_ params: FaceCheckParams, connection: Connection) async throws -> FaceCheckResult {
        let source: FaceSource =
            params.camera == true ? .daemonCamera : connection.principal.origin != nil ? .browser : .file
        guard params.consent else {
            let taken = faceDesk.take(connection.id)
            logger.info("face.check", metadata: connection.logMetadata.merging(["decision": "declined"]) { $1 })
            await countFaceCheck(.declined, after: taken)
            return .without(.declined, source: source)
        }
        if params.camera == true { return try await faceCheckWithCamera(params, connection: connection) }
        let encoded = params.frames ?? []
        guard (1...FaceCheckParams.maxFrames).contains(encoded.count) else {
            throw APIError.invalidParams(
                "frames must hold 1 to \(FaceCheckParams.maxFrames) images (or camera: true for the daemon's camera)"
            )
        }
        var frames: [FaceCheckImage] = []
        for text in encoded {
            guard var data = Data(base64Encoded: text), !data.isEmpty, data.count <= FaceCheckParams.maxFrameBytes
            else {
                throw APIError.invalidParams(
                    "frames must be base64 JPEG or PNG images of at most \(FaceCheckParams.maxFrameBytes) bytes"
                )
            }
            frames.append(FaceCheckImage(copying: data))
            data.withUnsafeMutableBytes { bytes in
                for i in bytes.indices { bytes[i] = 0 }
            }
        }
        let taken = faceDesk.take(connection.id)
        guard let portrait = taken?.portrait else {
            logger.info("face.check", metadata: connection.logMetadata.merging(["decision": "unavailable"]) { $1 })
            await countFaceCheck(.unavailable, after: taken)
            return .without(.unavailable, source: source, checks: [FaceCheckStep(.portraitFace, .failed)])
        }
        let (result, failure) = await faceDesk.check(portrait: portrait, frames: frames, source: source)
        var metadata = connection.logMetadata.merging(["decision": "\(result.decision.rawValue)"]) { $1 }
        if let distance = result.distance { metadata["distance"] = "\(distance)" }
        if let failure { metadata["matcher"] = "\(failure.reason)" }
        logger.info("face.check", metadata: metadata)
        await countFaceCheck(result.decision, after: taken)
        return result
    }

    /// The usage log counts a finished check under the reader of the read it followed: its
    /// decision only. A `face.check` with no read waiting (none asked with `faceCheck: true`, or
    /// already checked) belongs to no reader and is not counted.
    func countFaceCheck(_ decision: FaceDecision, after taken: FaceDesk.Taken?) async {
        guard let taken else { return }
        await usage.faceCheckFinished(FaceCheckEvent(readerID: taken.readerID, decision: decision))
    }
}
