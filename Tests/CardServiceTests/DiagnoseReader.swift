import CardSimulator
import TestBench
import Testing

@testable import CardService

/// A clinic technician runs `cancuoc diag` (docs/troubleshooting.md): through pcscd + vpcd.
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(2)))
struct DiagnoseReader {
    func step(_ report: DiagnosticReport, _ id: DiagnosticStep.Check) throws -> DiagnosticStep {
        try #require(report.steps.first { $0.id == id }, "no step \(id) in \(report.steps.map(\.id))")
    }

    @Test func aSimulatedCCCDPassesEveryStepWithFigures() async throws {
        let bench = try await PCSCBench.shared()
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let report = try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
            await ReaderDiagnostics(reader: bench.readerName(slot: 0), key: KeySpec(id: profile.dg13.idNumber)).run()
        }
        #expect(report.exitCode == 0)
        // Round-trip time is a figure: on a loaded machine its worst case may earn a warning.
        #expect(
            report.steps.allSatisfy {
                $0.status == .ok || $0.status == .skipped || ($0.id == .latency && $0.status == .warning)
            },
            "\(report.steps.filter { $0.status != .ok })"
        )
        #expect(Double(try step(report, .latency).data["medianMs"] ?? "") != nil)
        #expect(try step(report, .cardAccess).detail.contains("PACE-ECDH-GM-AES-128"))
        #expect(try step(report, .atr).detail.contains("contactless"))
        #expect(try step(report, .extendedLength).data["extendedLength"] == "true")
        let read = try step(report, .testRead)
        #expect(read.data["access"] == "PACE")
        #expect(
            !read.detail.contains(profile.dg13.idNumber) && !read.detail.contains(profile.dg13.fullName),
            "no personal data unless asked"
        )
    }

    @Test func unsupportedIdentityIsUnknownNotAnError() async throws {
        let bench = try await PCSCBench.shared()
        let report = await ReaderDiagnostics(reader: bench.readerName(slot: 1)).run()
        let identity = try step(report, .identity)
        #expect(identity.status == .ok)
        #expect(identity.detail.contains("vendor unknown"))
        #expect(try step(report, .ccidSupport).status == .skipped)
    }

    @Test func noCardIsAWarningWithTheFixAndFailsOnlyWhenATestReadWasAsked() async throws {
        let bench = try await PCSCBench.shared()
        await bench.remove(slot: 1)
        let plain = await ReaderDiagnostics(reader: bench.readerName(slot: 1)).run()
        #expect(try step(plain, .card).status == .warning)
        #expect(try step(plain, .card).fixVi?.contains("Đặt thẻ") == true)
        #expect(plain.exitCode == 0)
        let withKey = await ReaderDiagnostics(reader: bench.readerName(slot: 1), key: KeySpec(can: "123456")).run()
        #expect(withKey.exitCode == 2)
    }

    @Test func aWrongKeyFailsTheTestReadWithExitThree() async throws {
        let bench = try await PCSCBench.shared()
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let report = try await bench.withInserted(try SimulatedCCCD.make(profile: profile)) {
            await ReaderDiagnostics(reader: bench.readerName(slot: 0), key: KeySpec(can: "000000")).run()
        }
        #expect(try step(report, .testRead).failure == "wrongKey")
        #expect(report.exitCode == 3)
    }

    @Test func pcscdStoppedFailsTheFirstStepWithTheFixWithoutHanging() async throws {
        let bench = try await PCSCBench.shared()
        await bench.stopPCSCD()
        let report = await ReaderDiagnostics().run()
        try await bench.startPCSCD()
        #expect(report.steps.count == 1)
        #expect(report.steps.first?.id == .pcscd)
        #expect(report.steps.first?.status == .fail)
        #expect(report.steps.first?.fix?.contains("systemctl") == true)
        #expect(report.exitCode == 7)
    }
}
