import CCCD
import FaceCheck
import Foundation
import MRTD

/// `cancuoc read --face-check PHOTO` (docs/face-check.md): after the chip is read, the photo is compared
/// with the chip portrait by the sandboxed matcher. A `failed` verdict is never face-checked;
/// the read's exit code does not depend on the face check. Nothing of either face is kept.
enum CommandLineFaceCheck {
    /// What `--face-check` gave: not asked, asked but not checked (nil: a failed verdict), or a result.
    struct Outcome {
        var asked: Bool
        var result: FaceCheckResult?
    }

    static func outcome(photo: String?, record: CitizenRecord) async -> Outcome {
        guard let photo else { return Outcome(asked: false, result: nil) }
        return Outcome(asked: true, result: await run(photo: photo, record: record))
    }

    /// Nil when the read is not face-checked (a failed verdict, or no portrait on the chip).
    static func run(photo: String, record: CitizenRecord) async -> FaceCheckResult? {
        guard record.verification.status != .failed else { return nil }
        guard var portraitData = record.face?.data.flatMap({ Data(base64Encoded: $0) }) else {
            return .without(.unavailable, source: .file, checks: [FaceCheckStep(.portraitFace, .failed)])
        }
        let portrait = FaceCheckImage(copying: portraitData)
        zero(&portraitData)
        guard var photoData = FileManager.default.contents(atPath: photo) else {
            Output.error("--face-check \(photo) cannot be read.")
            Output.error("Không đọc được ảnh \(photo) để kiểm tra khuôn mặt.")
            return .without(.unavailable, source: .file)
        }
        let frame = FaceCheckImage(copying: photoData)
        zero(&photoData)
        let (result, failure) = await FaceChecker().check(portrait: portrait, frames: [frame], source: .file)
        if let failure { Output.error("face check: \(failure.reason)") }
        return result
    }

    static func zero(_ data: inout Data) {
        data.withUnsafeMutableBytes { bytes in
            for i in bytes.indices { bytes[i] = 0 }
        }
    }

    /// The human rows: the decision in Vietnamese and English, and the numbers behind it.
    static func describe(_ result: FaceCheckResult) -> String {
        var lines = ["Kiểm tra khuôn mặt / Face check: \(result.decision.rawValue)"]
        lines.append("  \(result.messageVi)")
        lines.append("  \(result.message)")
        if let distance = result.distance {
            let t = result.thresholds
            lines.append(
                "  distance \(distance) (match ≤ \(t.matchAtMost), no match > \(t.noMatchAbove)); checks: "
                    + result.checks.map { "\($0.name.rawValue) \($0.outcome.rawValue)" }.joined(separator: ", ")
            )
        }
        return lines.joined(separator: "\n")
    }
}

/// The record with its `faceCheck` beside the other keys (`cancuoc read --json --face-check`).
struct RecordWithFaceCheck: Encodable {
    let record: CitizenRecord
    let faceCheck: FaceCheckResult?

    enum Key: String, CodingKey { case faceCheck }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(faceCheck, forKey: .faceCheck)
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
