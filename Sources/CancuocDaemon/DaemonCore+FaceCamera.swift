import CancuocAPI
import FaceCamera
import FaceCheck
import Logging

extension DaemonCore {
    /// `face.check` with `camera: true` (docs/face-check.md § The daemon's camera): the daemon's own
    /// camera takes the frames, after consent and only when a portrait is waiting, and they go
    /// to the sandboxed matcher as a browser's would. The result's `source` is `daemonCamera`; a
    /// camera that gives nothing answers `unavailable` with the camera's sentence, its reason in
    /// the log for the technician.
    func faceCheckWithCamera(_ params: FaceCheckParams, connection: Connection) async throws -> FaceCheckResult {
        guard params.frames == nil else {
            throw APIError.invalidParams("frames and camera: true: send frames or ask for the camera, not both")
        }
        guard let camera = faceDesk.camera else {
            // The portrait stays for a retry with frames.
            throw APIError(
                .invalidParams,
                message: "Invalid params: camera: no camera is configured for the daemon "
                    + "(face.camera.device in cancuocd.json); send frames instead",
                messageVi: "Dịch vụ đọc thẻ chưa được cấu hình camera (face.camera.device trong cancuocd.json); "
                    + "hãy gửi ảnh chụp (frames)",
                detail: ["param": "camera"]
            )
        }
        var metadata = connection.logMetadata
        let taken = faceDesk.take(connection.id)
        guard let portrait = taken?.portrait else {
            // No read waiting: the camera is not turned on for nothing.
            metadata["decision"] = "unavailable"
            logger.info("face.check", metadata: metadata)
            await countFaceCheck(.unavailable, after: taken)
            return .without(
                .unavailable,
                source: .daemonCamera,
                thresholds: faceDesk.thresholds,
                checks: [FaceCheckStep(.portraitFace, .failed)]
            )
        }
        switch await camera.capture() {
        case .failure(let failure):
            metadata["decision"] = "unavailable"
            metadata["camera"] = "\(failure.reason)"
            logger.info("face.check", metadata: metadata)
            await countFaceCheck(.unavailable, after: taken)
            var result = FaceCheckResult.without(
                .unavailable,
                source: .daemonCamera,
                thresholds: faceDesk.thresholds,
                checks: [FaceCheckStep(.camera, .failed)]
            )
            result.message = CameraFailure.message.en
            result.messageVi = CameraFailure.message.vi
            return result
        case .success(let frames):
            var (result, failure) = await faceDesk.check(portrait: portrait, frames: frames, source: .daemonCamera)
            result.checks.insert(FaceCheckStep(.camera, .passed), at: 0)
            metadata["decision"] = "\(result.decision.rawValue)"
            if let distance = result.distance { metadata["distance"] = "\(distance)" }
            if let failure { metadata["matcher"] = "\(failure.reason)" }
            logger.info("face.check", metadata: metadata)
            await countFaceCheck(result.decision, after: taken)
            return result
        }
    }
}
