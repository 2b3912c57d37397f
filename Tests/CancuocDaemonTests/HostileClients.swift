import Foundation
import Logging
import NIOCore
import Synchronization
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocServer
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A hostile local user against the transport, with a well-behaved client beside it
/// (docs/api-transport.md "Limits").
@Suite(.serialized, .timeLimit(.minutes(3))) struct HostileClients {
    /// Everything fully received before a half-close is answered before the close.
    @Test func requestsSentBeforeAHalfCloseAreAllAnswered() async throws {
        try await withTimeout(seconds: 120) {
            try await withServer { _, _, path in
                for trial in 0..<100 {
                    let client = try await TestClient.connect(to: path)
                    var batch = ""
                    for id in 0..<10 {
                        batch +=
                            #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(id % 3 == 0 ? "slow" : "hello")","params":{"ms":5}}"#
                            + "\n"
                    }
                    try await client.sendBytes(Array(batch.utf8))
                    try await client.finishSending()
                    var ids: Set<Int> = []
                    while let line = await client.nextLine() {
                        if let id = try JSONParser().parse(line)["id"]?.intValue { ids.insert(id) }
                    }
                    #expect(ids == Set(0..<10), "trial \(trial): answered \(ids.sorted())")
                    await client.close()
                }
            }
        }
    }
}

extension HostileClients {
    /// A trickler that never completes a line is answered and closed at the completion
    /// limit, however often it sends a byte: slots held that way come free within seconds.
    @Test func tricklersLoseTheirSlotsAtTheCompletionLimit() async throws {
        try await withTimeout(seconds: 60) {
            try await withServer({
                $0.maxClients = 8
                $0.requestCompletionTimeout = .seconds(2)
            }) { server, _, path in
                var tricklers: [TestClient] = []
                for _ in 0..<8 {
                    let trickler = try await TestClient.connect(to: path)
                    try await trickler.sendBytes(Array(#"{"jsonrpc":"2.0","id":1,"#.utf8))
                    tricklers.append(trickler)
                }
                try await eventually { server.connections.count == 8 }
                let refused = try await TestClient.connect(to: path)
                #expect(try await refused.nextMessage()["error"]?["code"] == -32000, "full")
                // A byte now and then does not keep a partial line alive past the limit.
                for _ in 0..<6 {
                    for trickler in tricklers { try? await trickler.sendBytes(Array(" ".utf8)) }
                    try await Task.sleep(for: .milliseconds(400))
                }
                var answers: [JSONValue] = []
                for trickler in tricklers {
                    while let line = await trickler.nextLine() { answers.append(try JSONParser().parse(line)) }
                }
                #expect(answers.count == 8)
                #expect(answers.allSatisfy { $0["error"]?["code"] == -32600 })
                try await eventually { server.connections.isEmpty }
                let newcomer = try await TestClient.connect(to: path)
                #expect(try await newcomer.call(1, "hello")["result"]?["version"] == "test", "the slots are free again")
                await newcomer.close()
            }
        }
    }

    /// One user cannot take every slot: past `maxClientsPerUser` its new connections are
    /// refused, while another user still connects.
    @Test func oneUserCannotTakeEverySlot() async throws {
        try await withTimeout(seconds: 60) {
            try await withServer({ $0.maxClientsPerUser = 3 }) { _, _, path in
                chmod((path as NSString).deletingLastPathComponent, 0o755)
                chmod(path, 0o666)
                let output = try await PeerGroups.runAsNobody(
                    groups: [],
                    """
                    import socket, sys
                    held = []
                    for i in range(5):
                        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); held.append(s)
                    print(s.recv(65536).decode().strip())  # the refused one is told why, unasked
                    """,
                    [path]
                )
                let refused = try JSONParser().parse(output)
                #expect(refused["error"]?["code"] == -32000)
                #expect(refused["error"]?["data"]?["limit"] == 3)
                let root = try await TestClient.connect(to: path)
                #expect(try await root.call(1, "hello")["result"] != nil, "root and other users are not limited by it")
                await root.close()
            }
        }
    }
}

extension DaemonIntegration {
    /// Method names with newlines, escapes, NUL and 60 KB, sent by clients that never read,
    /// beside a well-behaved client: no forged log line, a bounded log, the good client served,
    /// memory back near where it was.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct HostileMethodNames {
        @Test func neitherForgeLogLinesNorBalloonMemory() async throws {
            _ = try await PCSCBench.shared()
            let daemon = try await DaemonProcess.start()
            let good = try await TestClient.connect(to: daemon.socket)
            #expect(try await good.call(1, "hello")["result"] != nil)
            try await Task.sleep(for: .seconds(1))
            let before = daemon.residentKiB

            let payloads = [
                "x\n2026-12-05T00:00:00+0000 critical cancuoc.daemon: forged line",
                "\u{1B}[31mred\u{1B}[0m\u{0}nul", String(repeating: "A", count: 60_000),
            ]
            var attackers: [TestClient] = []
            for index in 0..<6 {
                let attacker = try await TestClient.connect(to: daemon.socket, autoRead: false)
                let method = payloads[index % payloads.count]
                let line = #"{"jsonrpc":"2.0","id":1,"method":\#(JSONValue.string(method).serialized)}"# + "\n"
                let burst = String(repeating: line, count: max(1, 2_000_000 / line.utf8.count))
                try? await attacker.sendBytes(Array(burst.utf8))
                attackers.append(attacker)
            }
            var worst = Duration.zero
            for id in 2..<12 {
                let start = ContinuousClock.now
                #expect(
                    try await withTimeout(seconds: 60) { try await good.call(id, "hello") }["id"] == .int(Int64(id))
                )
                worst = max(worst, .now - start)
                try await Task.sleep(for: .milliseconds(100))
            }
            let during = daemon.residentKiB
            for attacker in attackers { await attacker.close() }
            try await Task.sleep(for: .seconds(4))
            let after = daemon.residentKiB
            await good.close()
            let (status, log) = await daemon.stop()
            print(
                "hostile method names: RSS \(before) KiB before, \(during) during, \(after) after; worst hello \(worst); log \(log.utf8.count) bytes"
            )

            #expect(status == 0)
            #expect(worst < .seconds(2), "the good client stays served")
            #expect(after - before < 16 * 1024, "memory returns near where it was: \(before) → \(after) KiB")
            let lines = log.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            #expect(
                lines.allSatisfy { $0.hasPrefix("20") && $0.dropFirst(4).hasPrefix("-") },
                "every line is the daemon's"
            )
            #expect(!lines.contains { $0.contains("critical cancuoc.daemon: forged") && !$0.contains("method=") })
            #expect(!log.utf8.contains(0x1B) && !log.utf8.contains(0x00))
            #expect(lines.map(\.utf8.count).max() ?? 0 < 2048, "no client string is logged whole")
            #expect(log.utf8.count < 512 * 1024, "the log stays small: \(log.utf8.count) bytes")
        }
    }
}

extension DaemonIntegration {
    /// A user looping wrong keys on a reader is slowed down (growing delays, shown in the
    /// error's `retryDelayMs`), so another user's reads get the reader.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct WrongKeyLoops {
        @Test func aWrongKeyLoopIsSlowedAndAnotherUserStillReads() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.with { daemon in
                chmod(daemon.directory, 0o755)
                chmod(daemon.path, 0o666)
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let attacker = Task {
                    try await PeerGroups.runAsNobody(
                        groups: [],
                        """
                        import json, socket, sys, time
                        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); f = s.makefile("rb")
                        attempts, busy, delays, end = 0, 0, [], time.time() + 6
                        while time.time() < end:
                            attempts += 1
                            s.sendall(b'{"jsonrpc":"2.0","id":%d,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"can":"000000"}}}\\n' % attempts)
                            while True:
                                m = json.loads(f.readline())
                                if m.get("id") == attempts: break
                            data = m.get("error", {}).get("data", {})
                            busy += data.get("reason") == "readerBusy"
                            delays.append(data.get("retryDelayMs", 0))
                        print(json.dumps({"attempts": attempts, "busy": busy, "delays": delays}))
                        """,
                        [daemon.path]
                    )
                }
                let good = try await daemon.connect()
                var read = 0
                for round in 0..<5 {
                    try await Task.sleep(for: .milliseconds(700))
                    for attempt in 0..<10 {
                        let (response, _) = try await good.request(
                            100 * round + attempt,
                            "card.read",
                            ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                        )
                        if errorReason(response) == "readerBusy" {
                            try await Task.sleep(for: .milliseconds(50))
                            continue
                        }
                        if response["result"]?["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber {
                            read += 1
                        }
                        break
                    }
                }
                await good.close()
                let summary = try JSONParser().parse(try await attacker.value)
                print("wrong-key loop: \(summary.serialized); good reads \(read)/5")
                #expect(read == 5, "the other user's reads get the reader")
                let attempts = summary["attempts"]?.intValue ?? 0
                #expect(
                    attempts >= 3 && attempts <= 8,
                    "wrong keys at full speed would be hundreds in 6 s: \(attempts)"
                )
                let delays = summary["delays"]?.arrayValue?.compactMap(\.intValue) ?? []
                #expect(Array(delays.prefix(4)) == [0, 0, 1000, 2000], "growing delays, shown in the error: \(delays)")
            }
        }
    }
}
