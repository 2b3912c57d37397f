import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CardService
@testable import ServiceTestSupport

/// `cancuoc read` as a person or a script runs it: the built binary, its exit codes
/// (docs/design.md §9.2) and the exact JSON keys integrators code against (§9.1).
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(2)))
struct CommandLineRead {
    static func cancuoc(_ arguments: [String], socket: String) async throws -> ProgramRun {
        try await runProgram(cancuocBinary, arguments, environment: ["PCSCLITE_CSOCK_NAME": socket])
    }

    @Test func jsonRecordHasExactlyTheContractKeys() async throws {
        let bench = try await PCSCBench.shared()
        let profile = try CitizenProfile.load(named: "hoang-van-thach")
        let run = try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
            try await Self.cancuoc(
                ["read", "--id", profile.dg13.idNumber, "--json", "--reader", bench.readerName(slot: 0)],
                socket: bench.socketPath
            )
        }
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ["document", "person", "access", "face", "faceStatus", "verification", "stats"])
        #expect(json["faceStatus"] as? String == "read")
        let person = try #require(json["person"] as? [String: Any])
        #expect(
            Set(person.keys) == [
                "idNumber", "fullName", "dateOfBirth", "sex", "nationality", "ethnicity", "religion",
                "placeOfOrigin", "placeOfResidence", "identifyingMarks", "dateOfIssue", "dateOfExpiry",
                "fatherName", "motherName", "spouseName", "oldIdNumber",
                "placeOfOriginAddress", "placeOfResidenceAddress",
            ]
        )
        // The residence resolved to today's units (docs/address.md): Nghệ An keeps its code 40.
        let residence = try #require(person["placeOfResidenceAddress"] as? [String: Any])
        #expect(((residence["current"] as? [String: Any])?["province"] as? [String: Any])?["code"] as? String == "40")
        #expect(person["dateOfExpiry"] is NSNull)
        #expect(person["dateOfBirth"] as? String == "1962-06-21")
        #expect(person["sex"] as? String == "male")
        #expect(Set((json["document"] as? [String: Any])?.keys ?? [:].keys) == ["type", "documentNumber", "mrz"])
        #expect(Set((json["access"] as? [String: Any])?.keys ?? [:].keys) == ["method", "reason"])
        #expect(Set((json["face"] as? [String: Any])?.keys ?? [:].keys) == ["mimeType", "width", "height"])
        let stats = try #require(json["stats"] as? [String: Any])
        #expect(Set(stats.keys) == ["apdus", "bytesSent", "bytesReceived", "durationMs", "files"])
        #expect(run.stdout.contains("Hoàng Văn Thạch"), "UTF-8, not \\u escapes")
    }

    /// Without --json the identity is printed as soon as it is verified, then only the rows
    /// that changed (the face, the verdict); --skip-face never reads the face.
    @Test func theIdentityIsPrintedFirstAndTheFaceCanBeSkipped() async throws {
        let bench = try await PCSCBench.shared()
        let profile = try CitizenProfile.load(named: "le-thi-hong-nhung")
        let (human, skipped) = try await bench.withInserted(
            try SimulatedCCCD.make(profile: profile, options: .shortOnly)
        ) {
            (
                try await Self.cancuoc(
                    ["read", "--id", profile.dg13.idNumber, "--reader", bench.readerName(slot: 0)],
                    socket: bench.socketPath
                ),
                try await Self.cancuoc(
                    [
                        "read", "--id", profile.dg13.idNumber, "--skip-face", "--json", "--reader",
                        bench.readerName(slot: 0),
                    ],
                    socket: bench.socketPath
                )
            )
        }
        #expect(human.status == 0, "\(human.stderr)")
        let lines = human.stdout.split(separator: "\n").map(String.init)
        let reading = try #require(
            lines.firstIndex { $0.hasPrefix("Ảnh (Face)") && $0.hasSuffix("đang đọc… (reading…)") }
        )
        let read = try #require(lines.firstIndex { $0.hasPrefix("Ảnh (Face)") && $0.contains("image/jpeg") })
        #expect(reading < read)
        #expect(lines.filter { $0.contains(profile.dg13.fullName) }.count == 1, "the person is printed once")
        #expect(lines.firstIndex { $0.contains(profile.dg13.fullName) }! < reading)

        #expect(skipped.status == 0, "\(skipped.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any])
        #expect(json["faceStatus"] as? String == "skipped")
        #expect(json["face"] is NSNull)
        let files = ((json["stats"] as? [String: Any])?["files"] as? [[String: Any]] ?? []).compactMap {
            $0["name"] as? String
        }
        #expect(files.contains("DG13") && !files.contains("DG2"))
    }

    @Test func exitCodesSayWhatWentWrong() async throws {
        let bench = try await PCSCBench.shared()
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let wrongKey = try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
            try await Self.cancuoc(
                ["read", "--can", "000000", "--reader", bench.readerName(slot: 0)],
                socket: bench.socketPath
            )
        }
        #expect(wrongKey.status == 3)
        #expect(wrongKey.stderr.contains("refused the access key"))

        await bench.remove(slot: 1)
        let noCard = try await Self.cancuoc(
            ["read", "--can", "000000", "--wait", "0", "--reader", bench.readerName(slot: 1)],
            socket: bench.socketPath
        )
        #expect(noCard.status == 2)

        let noReader = try await Self.cancuoc(
            ["read", "--can", "000000", "--wait", "0", "--reader", "Nope"],
            socket: bench.socketPath
        )
        #expect(noReader.status == 2)

        let noPCSCD = try await Self.cancuoc(["read", "--can", "000000"], socket: bench.directory + "/no-such.comm")
        #expect(noPCSCD.status == 7)

        let usage = try await Self.cancuoc(["read", "--can", "1", "--id", "2"], socket: bench.socketPath)
        #expect(usage.status == 64)
    }

    @Test func faceIsWrittenOnlyWhenAsked() async throws {
        let bench = try await PCSCBench.shared()
        let profile = try CitizenProfile.load(named: "dang-ngoc-mai")
        let file = bench.directory + "/face-\(UInt32.random(in: 0...UInt32.max)).jpg"
        let run = try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
            try await Self.cancuoc(
                ["read", "--id", profile.dg13.idNumber, "--face", file, "--reader", bench.readerName(slot: 0)],
                socket: bench.socketPath
            )
        }
        #expect(run.status == 0)
        let written = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect([UInt8](written) == (try profile.faceJPEG()))
        #expect(!run.stdout.contains("/9j/"), "no base64 face on the terminal")
        try? FileManager.default.removeItem(atPath: file)
    }

    @Test func cancuocReadPrintsTheSentencesAndExits64BeforeLookingForAReader() async throws {
        let name = Array("Nguyễn Văn An".utf8).map { String($0, radix: 16) }.joined()
        let bhyt = "HS4010120878811|\(name)|15/03/1999|2|-|$"
        // No pcscd at this socket: the key is judged first.
        let run = try await CommandLineRead.cancuoc(["read", "--qr", bhyt], socket: "/nonexistent/pcscd.comm")
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(KeyError.healthInsuranceCard.message))
        #expect(run.stderr.contains(KeyError.healthInsuranceCard.messageVi))
        #expect(camelCaseIdentifiers(in: run.stderr).isEmpty, "\(run.stderr)")
        #expect(!run.stderr.contains(bhyt) && !run.stderr.contains("Nguy"), "the key itself is never printed")
    }
}
