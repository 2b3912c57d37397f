import CardSimulator
import FaceCheck
import Foundation

/// `cancuoc sim --portrait FILE` (docs/face-check.md): a given photo (JPEG or JPEG 2000) as the chip
/// portrait in DG2, so integrators and tests can use real faces.
extension CitizenProfile {
    func withPortrait(_ path: String) throws -> CitizenProfile {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PortraitError(path: path, reason: "cannot be read", reasonVi: "không đọc được")
        }
        guard data.count <= 64 * 1024 else {
            // A chip holds ~15–20 KB; a DG2 much larger is not a card anyone issues.
            throw PortraitError(path: path, reason: "is larger than 64 KB", reasonVi: "lớn hơn 64 KB")
        }
        let dimensions: (kind: ImageDimensions.Kind, width: Int, height: Int)
        do {
            dimensions = try ImageDimensions.read(data)
        } catch {
            throw PortraitError(
                path: path,
                reason: "is not a JPEG or JPEG 2000 image",
                reasonVi: "không phải ảnh JPEG hoặc JPEG 2000"
            )
        }
        var profile = self
        profile.directory = url.deletingLastPathComponent()
        profile.faceImage = url.lastPathComponent
        profile.faceWidth = dimensions.width
        profile.faceHeight = dimensions.height
        return profile
    }
}

struct PortraitError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    let reasonVi: String
    var description: String {
        "--portrait \(path) \(reason).\nẢnh chân dung \(path) \(reasonVi)."
    }
}
