import ArgumentParser
import FaceCheck
import Foundation

/// `cancuoc face`: the face check's tools (docs/face-check.md).
struct FaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "face",
        abstract: "Face check tools (docs/face-check.md).",
        subcommands: [FaceCalibrateCommand.self]
    )
}

/// `cancuoc face calibrate DIR`: false-match and false-non-match rates over photos of consenting
/// staff (one folder per person) and the thresholds they suggest. Prints numbers only.
struct FaceCalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure the face check on staff photos (one folder per person) and propose thresholds.",
        discussion: """
            DIR holds one folder per person, each with JPEG or PNG photos of that person (staff who \
            consented). Nothing is written; no name or image is printed. Needs the cancuoc-face package \
            (or CANCUOC_FACE_MATCHER and CANCUOC_FACE_MODELS).
            """
    )

    @Argument(help: "Folder of folders of photos.")
    var directory: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let fm = FileManager.default
        let people = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted().filter { name in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        guard people.count >= 2 else {
            Output.error("\(directory) needs at least two folders, one per person.")
            Output.error("\(directory) cần ít nhất hai thư mục, mỗi người một thư mục.")
            throw ExitCode(64)
        }
        var owners: [Int] = []
        var images: [FaceCheckImage] = []
        for (index, person) in people.enumerated() {
            let folder = directory + "/" + person
            for file in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            where [".jpg", ".jpeg", ".png"].contains(where: file.lowercased().hasSuffix) {
                guard var data = fm.contents(atPath: folder + "/" + file) else { continue }
                images.append(FaceCheckImage(copying: data))
                CommandLineFaceCheck.zero(&data)
                owners.append(index)
            }
        }
        let analyses: [FaceAnalysis?]
        switch await FaceChecker().analyse(images) {
        case .success(let result): analyses = result
        case .failure(let failure):
            Output.error("The face matcher is unavailable: \(failure.reason).")
            Output.error("Không dùng được bộ so khớp khuôn mặt (gói cancuoc-face).")
            throw ExitCode(1)
        }
        var byPerson = [[[Float]]](repeating: [], count: people.count)
        var withoutOneFace = 0
        for (owner, analysis) in zip(owners, analyses) {
            if let descriptor = analysis?.descriptor, analysis?.faceCount == 1 {
                byPerson[owner].append(descriptor)
            } else {
                withoutOneFace += 1
            }
        }
        let calibration = FaceCalibration.compute(
            descriptorsByPerson: byPerson,
            photos: images.count,
            withoutOneFace: withoutOneFace
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Output.line(String(decoding: try encoder.encode(calibration), as: UTF8.self))
            return
        }
        Output.line(
            "\(calibration.people) people, \(calibration.photos) photos (\(calibration.photosWithoutOneFace) without exactly one face)"
        )
        Output.line(
            "same-person pairs: \(calibration.genuinePairs), different-person pairs: \(calibration.impostorPairs)"
        )
        if let g = calibration.genuineDistance {
            Output.line("same person distance: min \(g.min), median \(g.median), max \(g.max)")
        }
        if let i = calibration.impostorDistance {
            Output.line("different people distance: min \(i.min), median \(i.median), max \(i.max)")
        }
        for point in calibration.curve where Int((point.threshold * 100).rounded()) % 5 == 0 {
            Output.line(
                String(
                    format: "threshold %.2f  false match %.4f  false non-match %.4f",
                    point.threshold,
                    point.falseMatchRate,
                    point.falseNonMatchRate
                )
            )
        }
        if let p = calibration.proposed {
            Output.line("proposed: matchAtMost \(p.matchAtMost), noMatchAbove \(p.noMatchAbove)")
            Output.line("đề xuất: khớp khi ≤ \(p.matchAtMost), không khớp khi > \(p.noMatchAbove)")
        } else {
            Output.line("no proposal: the folder needs two people with at least one person having two photos")
        }
    }
}
