import CardSimulator
import Foundation
import PCSC
import SmartCard

#if canImport(Glibc)
import Glibc
#endif

/// A private pcscd with two vpcd slots, shared by every test of one process (docs/design.md §10).
///
/// pcscd 1.9.9 has its socket path compiled in, so it runs in its own mount namespace with a
/// directory of ours bind-mounted on `/run/pcscd`; the client library is pointed at it with
/// `PCSCLITE_CSOCK_NAME`, which libpcsclite reads once per process (`pthread_once` in
/// `getSocketName`), hence one bench per process, started before the first context.
/// vpcd ports are derived from our pid so that two test processes do not collide.
/// If the bench cannot start, `shared()` throws with pcscd's log: tests fail, never skip.
public final class PCSCBench: @unchecked Sendable {
    public let directory: String
    public let runDirectory: String
    public let configDirectory: String
    public let socketPath: String
    public let logPath: String
    /// vpcd port of slot 0; slot 1 is `basePort + 1`.
    public let basePort: UInt16
    public let slots = 2

    private let lock = NSLock()
    private var supervisor: Process?
    private var transports: [Int: VirtualCardTransport] = [:]

    /// Started once, on first use; every caller awaits the same start. No exit hook is
    /// needed: pcscd's supervisor stops it and deletes the directory once this process is gone.
    private static let starting = Task { () throws -> PCSCBench in
        let bench = try PCSCBench()
        setenv("PCSCLITE_CSOCK_NAME", bench.socketPath, 1)
        try await bench.startPCSCD()
        return bench
    }

    private static let benchLock = BenchLock()

    /// The bench of this process, started on first use. Prefer `run`, which also keeps
    /// other suites off the bench while `body` uses it.
    public static func shared() async throws -> PCSCBench {
        try await starting.value
    }

    /// The way tests use the bench: `body` runs alone on it (no other test of this process,
    /// whatever its target, uses pcscd or a vpcd slot meanwhile). Cards inserted by `body`
    /// are removed afterwards, on every path.
    public static func run<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PCSCBench) async throws -> T
    ) async throws -> T {
        let bench = try await shared()
        await benchLock.acquire()
        do {
            let result = try await body(bench)
            await bench.removeAll()
            await benchLock.release()
            return result
        } catch {
            await bench.removeAll()
            await benchLock.release()
            throw error
        }
    }

    private init() throws {
        if let fixed = ProcessInfo.processInfo.environment["CANCUOC_BENCH_DIR"], !fixed.isEmpty {
            // Set by `make test` together with PCSCLITE_CSOCK_NAME before the process starts:
            // then even a test that touches PC/SC before the bench starts (libpcsclite reads
            // the socket path once per process) talks to this bench.
            directory = fixed
        } else {
            let template = NSTemporaryDirectory() + "/cancuoc-bench.XXXXXX"
            var path = Array(template.utf8CString)
            guard mkdtemp(&path) != nil else { throw BenchError.setup("mkdtemp failed: errno \(errno)") }
            directory = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        runDirectory = directory + "/run"
        configDirectory = directory + "/reader.conf.d"
        socketPath = runDirectory + "/pcscd.comm"
        logPath = directory + "/pcscd.log"
        basePort = try Self.freePortPair()
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        let channel = "0x" + String(basePort, radix: 16, uppercase: true)
        let conf = """
            FRIENDLYNAME "Virtual PCD"
            DEVICENAME /dev/null:\(channel)
            LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so
            CHANNELID \(channel)

            """
        try conf.write(toFile: configDirectory + "/vpcd", atomically: true, encoding: .utf8)
    }

    /// PC/SC name of a vpcd slot.
    public func readerName(slot: Int) -> String { "Virtual PCD 00 0\(slot)" }

    public func port(slot: Int) -> UInt16 { basePort + UInt16(slot) }

    // MARK: pcscd

    /// Starts pcscd and waits until it answers and lists both vpcd readers (60 s at most: a
    /// loaded 2-core machine can take long, and a slow start is not what tests assert).
    public func startPCSCD() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        // sh supervises pcscd: when the test process goes away (finished or crashed), it stops
        // pcscd and deletes the bench directory. `stopPCSCD` (a restart) keeps the directory.
        let script = """
            mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd || exit 90
            pcscd -f -c "$2" & p=$!
            trap 'kill -TERM $p 2>/dev/null; wait $p; exit 0' TERM INT
            while kill -0 "$3" 2>/dev/null && kill -0 $p 2>/dev/null; do sleep 0.5; done
            kill -TERM $p 2>/dev/null; wait $p
            kill -0 "$3" 2>/dev/null || rm -rf "$4"
            """
        process.arguments = [
            "-m", "sh", "-c", script, "sh", runDirectory, configDirectory, String(getpid()), directory,
        ]
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BenchError.setup("cannot run unshare/pcscd: \(error)")
        }
        lock.withLock { supervisor = process }
        try await waitUntilReady(process)
    }

    private func waitUntilReady(_ process: Process) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var lastError = "not started"
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw BenchError.setup("pcscd exited (status \(process.terminationStatus)); log:\n\(log())")
            }
            do {
                let context = try await PCSCContext.establish()
                let names = try await context.listReaders()
                await context.release()
                if names.contains(readerName(slot: slots - 1)) { return }
                lastError = "readers: \(names)"
            } catch {
                lastError = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError.setup("pcscd did not become ready in 60 s (\(lastError)); log:\n\(log())")
    }

    /// The pid pcscd wrote in its pid file (with a trailing NUL), if it is running.
    public var pcscdPID: pid_t? {
        guard let text = try? String(contentsOfFile: runDirectory + "/pcscd.pid", encoding: .utf8),
            let pid = pid_t(
                text.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
            ), pid > 0,
            kill(pid, 0) == 0
        else { return nil }
        return pid
    }

    /// Stops pcscd: `signal` (SIGTERM by default), then SIGKILL after 3 s.
    public func stopPCSCD(signal: Int32 = SIGTERM) async {
        if let pid = pcscdPID {
            kill(pid, signal)
            let deadline = ContinuousClock.now + .seconds(3)
            while kill(pid, 0) == 0 && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        let process = lock.withLock { () -> Process? in
            defer { supervisor = nil }
            return supervisor
        }
        if let process, process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(3)
            while process.isRunning && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: runDirectory + "/pcscd.pid")
    }

    /// Kills pcscd the hard way (SIGKILL, as a crash would) and starts a new one on the same
    /// socket and ports.
    public func restartPCSCD() async throws {
        await stopPCSCD(signal: SIGKILL)
        try await startPCSCD()
    }

    /// The end of pcscd's log, for failure messages.
    public func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)).map { String($0.suffix(4000)) } ?? "(no log)"
    }

    // MARK: cards

    /// Inserts a simulated card into a slot (connects it to vpcd) and returns once pcscd
    /// reports the card present, so the next PC/SC call sees it.
    /// `quickAck: false` only to measure what delayed ACKs cost (docs/design.md §7).
    public func insert(card: any APDUHandler, slot: Int = 0, quickAck: Bool = true) async throws {
        await remove(slot: slot)
        // A card of another process (a test's `cancuoc sim` on this slot's port) may have just
        // gone: until pcscd has seen it leave, the new card's arrival would look like it staying
        // and its removal would land in the middle of the next read.
        await waitUntilEmpty(slot: slot)
        // After a card was pulled mid-command vpcd may drop a connection made before it
        // recovered: connect again until pcscd reports the card (20 s at most).
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let transport = VirtualCardTransport(card: card, port: port(slot: slot), quickAck: quickAck)
            try await transport.connect(timeout: .seconds(10))
            lock.withLock { transports[slot] = transport }
            if await waitForCard(present: true, slot: slot, within: .seconds(2)) { return }
            guard ContinuousClock.now < deadline else {
                throw BenchError.setup("pcscd did not report the card in slot \(slot) within 20 s; log:\n\(log())")
            }
            await transport.disconnect()
        }
    }

    /// Removes the card from a slot (closes its vpcd connection) and waits (10 s at most)
    /// until pcscd reports the slot empty; no-op when empty.
    public func remove(slot: Int = 0) async {
        let transport = lock.withLock { () -> VirtualCardTransport? in
            defer { transports[slot] = nil }
            return transports[slot]
        }
        guard let transport else { return }
        await transport.disconnect()
        _ = await waitForCard(present: false, slot: slot)
    }

    /// Waits (10 s at most) until pcscd reports the slot empty: after a card of another process
    /// (`cancuoc sim --port`) left it.
    public func waitUntilEmpty(slot: Int = 0) async {
        _ = await waitForCard(present: false, slot: slot)
    }

    /// Removes every inserted card.
    public func removeAll() async {
        for slot in 0..<slots { await remove(slot: slot) }
    }

    /// Runs `body` with `card` inserted in `slot`, removing it on every exit path.
    public func withInserted<T>(
        _ card: any APDUHandler,
        slot: Int = 0,
        quickAck: Bool = true,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        try await insert(card: card, slot: slot, quickAck: quickAck)
        do {
            let result = try await body()
            await remove(slot: slot)
            return result
        } catch {
            await remove(slot: slot)
            throw error
        }
    }

    private func waitForCard(present: Bool, slot: Int, within limit: Duration = .seconds(10)) async -> Bool {
        guard let context = try? await PCSCContext.establish() else { return false }
        let deadline = ContinuousClock.now + limit
        var done = false
        while !done && ContinuousClock.now < deadline {
            if let state = try? await context.currentStates(of: [readerName(slot: slot)]).first,
                state.isPresent == present
            {
                done = true
            } else {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        await context.release()
        return done
    }

    // MARK: ports

    /// Two consecutive free TCP ports in 41000–48999, starting from one derived from our pid.
    private static func freePortPair() throws -> UInt16 {
        let start = Int(getpid() % 4000)
        for i in 0..<4000 {
            let port = UInt16(41000 + ((start + i) % 4000) * 2)
            if isFree(port) && isFree(port + 1) { return port }
        }
        throw BenchError.setup("no free TCP port pair for vpcd")
    }

    private static func isFree(_ port: UInt16) -> Bool {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { return false }
        defer { close(s) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = 0
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Why the bench could not start: the message carries what to fix.
public enum BenchError: Error, CustomStringConvertible {
    case setup(String)

    public var description: String {
        switch self {
        case .setup(let message): return "PCSCBench: \(message)"
        }
    }
}
