import FaceCheck
import Foundation

@testable import ServiceTestSupport

/// The real matcher (built beside the tests) and the assets `make face-models` fetched into
/// .build/face (models and the face_recognition 1.3.0 test photos; never committed).
enum FaceAssets {
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let matcher = binDirectory.appendingPathComponent("cancuoc-face-matcher").path
    static let root: URL = {
        if let dir = ProcessInfo.processInfo.environment["CANCUOC_FACE_ASSETS"] {
            return URL(fileURLWithPath: dir)
        }
        // .build/<triple>/debug/ → .build/face
        var url = binDirectory
        while url.path != "/" && url.lastPathComponent != ".build" { url.deleteLastPathComponent() }
        return url.appendingPathComponent("face")
    }()
    static let models = root.appendingPathComponent("models").path
    static var configuration: FaceMatcherConfiguration {
        FaceMatcherConfiguration(executable: matcher, modelsDirectory: models, deadline: .seconds(60))
    }

    static func photo(_ name: String) throws -> FaceCheckImage {
        let url = root.appendingPathComponent("photos").appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingAsset(path: url.path)
        }
        return FaceCheckImage(copying: data)
    }

    struct MissingAsset: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing: run `make face-models`" }
    }

    /// An image made with ImageMagick's convert (Debian's imagemagick) at test time, waited for
    /// on a thread of its own (`runProgram`), never on the cooperative pool.
    static func convert(_ arguments: [String]) async throws -> FaceCheckImage {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("face-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: out) }
        let status = try await runProgram(
            URL(fileURLWithPath: "/usr/bin/convert"),
            arguments.map { $0.replacingOccurrences(of: "PHOTOS/", with: root.path + "/photos/") } + [out.path]
        ).status
        guard status == 0, let data = FileManager.default.contents(atPath: out.path) else {
            throw MissingAsset(path: "convert \(arguments.joined(separator: " "))")
        }
        return FaceCheckImage(copying: data)
    }
}
