import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CancuocServer
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

extension DaemonIntegration {
    /// One deadline per read, and what a client sees when the daemon stops.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct DaemonLifecycle {
        /// The deadline is the one that can fire while the PC/SC thread is blocked in a
        /// transmit: a card that goes silent mid-read ends with `timeout` at
        /// `readTimeoutSeconds`, not earlier (no inner default) and not never.
        @Test func aCardSilentMidReadEndsWithTimeoutAtReadTimeoutSeconds() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            await bench.removeAll()
            try await RunningDaemon.withClient({ $0.readTimeoutSeconds = 45 }) { daemon, client in
                try await bench.insert(
                    card: SimulatedCCCD.make(profile: profile, options: .init(wireFaults: [.silentAt(8, seconds: 47)])),
                    slot: 0
                )
                let start = ContinuousClock.now
                let (response, _) = try await client.request(
                    1,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]],
                    seconds: 70
                )
                let elapsed = ContinuousClock.now - start
                #expect(errorReason(response) == "timeout")
                #expect(elapsed >= .seconds(44) && elapsed < .seconds(52), "ended after \(elapsed)")
                await bench.remove(slot: 0)
            }
        }

        /// Stopping the server (what SIGTERM does under the service group) answers a running
        /// read `cancelled` (1009) before the connection closes.
        @Test func stoppingAnswersARunningReadCancelledBeforeClosing() async throws {
            let bench = try await PCSCBench.shared()
            await bench.removeAll()
            let daemon = try await RunningDaemon.start()
            let client = try await daemon.connect()
            try await client.send(
                #"{"jsonrpc":"2.0","id":5,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"can":"123456"},"waitForCardSeconds":60}}"#
            )
            try await withTimeout {
                while true {
                    if let session = await daemon.core.registry.all.first, await session.isReading { return }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            await daemon.stop()
            let response = try await withTimeout { try await client.nextMessage() }
            #expect(response["id"] == 5)
            #expect(errorCode(response) == 1009)
            #expect(await client.nextLine() == nil, "then the connection closes")
        }

        /// The real `cancuocd` under SIGTERM: the service group shuts down in order and the
        /// client's running read gets 1009, then EOF; the process exits 0.
        @Test func sigtermAnswersRunningReadsAndExitsCleanly() async throws {
            let bench = try await PCSCBench.shared()
            await bench.removeAll()
            let daemon = try await DaemonProcess.start()
            let socket = daemon.socket
            let client = try await TestClient.connect(to: socket)
            try await client.send(
                #"{"jsonrpc":"2.0","id":9,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"can":"123456"},"waitForCardSeconds":60}}"#
            )
            try await Task.sleep(for: .milliseconds(500))
            kill(daemon.process.processIdentifier, SIGTERM)
            let response = try await withTimeout { try await client.nextMessage() }
            #expect(response["id"] == 9)
            #expect(errorCode(response) == 1009)
            #expect(await client.nextLine() == nil)
            let status = try await withTimeout { await daemon.exited.value }
            #expect(status == 0)
            #expect(access(socket, F_OK) != 0, "the socket file it made is removed")
            _ = await daemon.stop()
        }
    }
}

/// The real `cancuocd` as a child process on the bench's pcscd, its log in a file.
struct DaemonProcess {
    let process: Process
    let socket: String
    let log: String
    let directory: String
    let exited: Task<Int32, Never>

    static func start(_ extra: [String] = []) async throws -> DaemonProcess {
        let directory = try makeTemporaryDirectory()
        chmod(directory, 0o755)
        let socket = directory + "/api.sock"
        let log = directory + "/cancuocd.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        try FileManager.default.createDirectory(atPath: directory + "/trust", withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = cancuocBinary.deletingLastPathComponent().appendingPathComponent("cancuocd")
        process.arguments =
            [
                "--socket", socket, "--config", directory + "/none.json", "--group", "",
                "--state-directory", directory, "--trust", directory + "/trust",
            ] + extra
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        let exited = Task { await waitForExit(process) }
        try await withTimeout { while access(socket, F_OK) != 0 { try await Task.sleep(for: .milliseconds(20)) } }
        return DaemonProcess(process: process, socket: socket, log: log, directory: directory, exited: exited)
    }

    /// Resident memory in KiB (`VmRSS`).
    var residentKiB: Int { status("VmRSS:") }

    private func status(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
    }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// SIGTERM, then the exit status and the whole log; the files are removed.
    func stop() async -> (status: Int32, log: String) {
        kill(process.processIdentifier, SIGTERM)
        let status = await exited.value
        let log = logText
        try? FileManager.default.removeItem(atPath: directory)
        return (status, log)
    }
}

/// Waits for a child process on a thread of its own (never on the cooperative pool).
func waitForExit(_ process: Process) async -> Int32 {
    await withCheckedContinuation { continuation in
        Thread {
            process.waitUntilExit()
            continuation.resume(returning: process.terminationStatus)
        }.start()
    }
}
