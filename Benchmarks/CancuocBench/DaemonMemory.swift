import CardSimulator
import Foundation
import Synchronization
import TestBench

/// Resident memory of the real `cancuocd` (the release binary, its own process, as systemd
/// runs it): idle, with 200 subscribed clients after 5 verified reads, and after the clients
/// left. Anonymous memory (heap, stacks) is reported apart from file pages: the latter are the
/// shared Swift/OpenSSL libraries' code, shared with every other process that maps them.
struct DaemonMemory: Codable {
    struct Sample: Codable {
        var rssMB: Double
        var anonMB: Double
        var fileMB: Double
    }
    var idle: Sample
    var loaded: Sample
    var after: Sample
    var peakMB: Double
    var reads: Int
}

private func processMemory(_ pid: Int32) -> (sample: DaemonMemory.Sample, peakMB: Double) {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    func mb(_ key: String) -> Double {
        let kb =
            status.split(separator: "\n").first { $0.hasPrefix(key + ":") }?
            .split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return (DaemonMemory.Sample(rssMB: mb("VmRSS"), anonMB: mb("RssAnon"), fileMB: mb("RssFile")), mb("VmHWM"))
}

func measureDaemonProcess(
    bench: PCSCBench,
    profile: CitizenProfile,
    subscriberCount: Int,
    reads: Int
) async throws -> DaemonMemory {
    let directory = NSTemporaryDirectory() + "/cancuocd-memory-\(getpid())"
    let trust = directory + "/trust"
    try FileManager.default.createDirectory(atPath: trust, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let built = try SimulatedCCCD.build(profile: profile)
    try built.writeTrust(to: URL(fileURLWithPath: trust))

    let socket = directory + "/api.sock"
    let daemon = Process()
    daemon.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("cancuocd")
    daemon.arguments = [
        "--socket", socket, "--state-directory", directory, "--trust", trust, "--group", "", "--log-level", "error",
    ]
    daemon.standardError = FileHandle.nullDevice
    try daemon.run()  // inherits PCSCLITE_CSOCK_NAME: the bench's pcscd
    defer {
        daemon.terminate()
        daemon.waitUntilExit()
    }
    for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) {
        try await Task.sleep(for: .milliseconds(25))
    }
    try await Task.sleep(for: .milliseconds(500))
    let idle = processMemory(daemon.processIdentifier).sample

    let ready = Mutex(0)
    let subscribers = (0..<subscriberCount).map { _ in Subscriber(path: socket) { ready.withLock { $0 += 1 } } }
    while ready.withLock({ $0 }) < subscriberCount { try await Task.sleep(for: .milliseconds(10)) }
    try await bench.insert(card: built.handler, slot: 0)
    let reader = bench.readerName(slot: 0)
    var verified = 0
    for _ in 0..<reads {
        let answer = try await callOffPool(
            path: socket,
            method: "card.read",
            params: ["reader": .string(reader), "key": ["id": .string(profile.dg13.idNumber)]]
        )
        if answer["result"]?["verification"]?["status"]?.stringValue == "verified" { verified += 1 }
    }
    guard verified == reads else { throw BenchError.setup("cancuocd verified \(verified) of \(reads) reads") }
    try await Task.sleep(for: .milliseconds(300))
    let loaded = processMemory(daemon.processIdentifier).sample

    for subscriber in subscribers { subscriber.leave() }
    await bench.removeAll()
    try await Task.sleep(for: .seconds(2))
    let (after, peak) = processMemory(daemon.processIdentifier)
    return DaemonMemory(idle: idle, loaded: loaded, after: after, peakMB: peak, reads: reads)
}
