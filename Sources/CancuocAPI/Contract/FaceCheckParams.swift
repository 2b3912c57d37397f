/// `face.check` params (docs/api.md, docs/face-check.md): the live frames to compare with the
/// portrait of this connection's last `card.read` made with `faceCheck: true`.
public struct FaceCheckParams: Codable, Sendable, Hashable {
    /// Must be present: `true` once the patient agreed (the page shows the sentence and staff
    /// confirm); `false` answers `declined` and nothing is compared.
    public var consent: Bool
    /// One to five frames, base64 JPEG or PNG (640×480 is plenty), only when `consent` is true.
    public var frames: [String]?
    /// `true`: the daemon's own camera takes the frames (cancuocd.json `face.camera`), instead of
    /// `frames`; for an HIS on the same PC. Without a configured camera: -32602.
    public var camera: Bool?

    public static let maxFrames = 5
    /// Per frame, decoded: a 640×480 JPEG is 50–150 KB.
    public static let maxFrameBytes = 2 * 1024 * 1024
}
