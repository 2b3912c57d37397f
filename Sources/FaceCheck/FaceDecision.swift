/// What a face check concludes (docs/face-check.md): a closed list, the same words
/// in the record, the API and the command line's JSON.
public enum FaceDecision: String, Codable, CaseIterable, Sendable {
    /// The live face and the chip portrait are closer than `FaceThresholds.matchAtMost`.
    case match
    /// Farther apart than `FaceThresholds.noMatchAbove`.
    case noMatch
    /// In between: staff compare by eye.
    case uncertain
    /// No face in a live frame.
    case noFace
    /// More than one face in a live frame.
    case multipleFaces
    /// The face in a live frame is smaller than `FaceThresholds.minFaceWidth` pixels, or too blurred.
    case faceTooSmall
    /// A presentation check failed: the live frame is (nearly) the chip portrait itself, or
    /// the camera's frames do not change at all.
    case notLive
    /// The matcher is not installed, crashed, took too long, or could not use the portrait.
    case unavailable
    /// Consent was not given: nothing was captured or compared.
    case declined

    /// One sentence for the reception desk, in Vietnamese and in English.
    public var message: (vi: String, en: String) {
        switch self {
        case .match:
            return ("Khuôn mặt khớp với ảnh trong chip.", "The face matches the chip portrait.")
        case .noMatch:
            return ("Khuôn mặt không khớp với ảnh trong chip.", "The face does not match the chip portrait.")
        case .uncertain:
            return (
                "Chưa đủ chắc chắn: nhân viên hãy so sánh khuôn mặt với ảnh trong chip bằng mắt.",
                "Not certain: staff should compare the face with the chip portrait by eye."
            )
        case .noFace:
            return (
                "Không thấy khuôn mặt nào trong ảnh chụp: hãy nhìn thẳng vào camera.",
                "No face was found in the capture: look straight at the camera."
            )
        case .multipleFaces:
            return (
                "Có nhiều hơn một khuôn mặt trong ảnh chụp: chỉ người bệnh đứng trước camera.",
                "More than one face is in the capture: only the patient should face the camera."
            )
        case .faceTooSmall:
            return (
                "Khuôn mặt quá nhỏ hoặc bị mờ: hãy đến gần camera hơn và giữ yên.",
                "The face is too small or blurred: come closer to the camera and hold still."
            )
        case .notLive:
            return (
                "Ảnh chụp không giống một khuôn mặt thật trước camera (ảnh tĩnh hoặc chính ảnh trong chip).",
                "The capture does not look like a live face (a still picture, or the chip portrait itself)."
            )
        case .unavailable:
            return (
                "Không kiểm tra được khuôn mặt lúc này; việc đọc thẻ không bị ảnh hưởng.",
                "The face check is unavailable right now; reading the card is not affected."
            )
        case .declined:
            return (
                "Người bệnh không đồng ý kiểm tra khuôn mặt; không có ảnh nào được chụp.",
                "The patient did not consent to the face check; no picture was taken."
            )
        }
    }
}

/// Where the live image came from. A browser can send any picture: its frames are marked.
public enum FaceSource: String, Codable, CaseIterable, Sendable {
    case daemonCamera
    case browser
    case file
}
