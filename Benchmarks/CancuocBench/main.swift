import CCCD
import CardService
import CardSimulator
import Foundation
import MRTD
import PCSC
import TestBench

// make bench: full CCCD reads through a private pcscd + vpcd + the simulated card (in a child
// process, so CPU figures are the reader side only), our strategy beside fixed READ BINARY
// sizes other readers use, and the theoretical minimum APDU count (docs/performance.md).

struct Sample {
    var wallMs: Double
    var cpuMs: Double
    var apdus: Int
    var bytes: Int
    var record: CitizenRecord
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec
    ) / 1e6
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Starts `cancuoc sim` on a vpcd port and waits until pcscd reports the card.
func startSimulator(
    port: UInt16,
    profile: String,
    shortOnly: Bool,
    latencyMs: Int,
    reader: String,
    context: PCSCContext
) async throws -> Process {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "cancuoc"
    )
    let p = Process()
    p.executableURL = binary
    p.arguments =
        ["sim", "--port", "\(port)", "--profile", profile, "--latency", "\(latencyMs)"]
        + (shortOnly ? ["--short-only"] : [])
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    for _ in 0..<200 {
        if let s = try? await context.currentStates(of: [reader]).first, s.isPresent { return p }
        try await Task.sleep(for: .milliseconds(25))
    }
    p.terminate()
    throw BenchError.setup("the simulator did not appear in \(reader)")
}

func stopSimulator(_ p: Process, reader: String, context: PCSCContext) async {
    p.terminate()
    p.waitUntilExit()
    for _ in 0..<200 {
        if let s = try? await context.currentStates(of: [reader]).first, !s.isPresent { return }
        try? await Task.sleep(for: .milliseconds(25))
    }
}

/// One full read with `chunk` (nil: our strategy).
func measureOnce(reader: Reader, key: KeySpec, chunk: Int?) async throws -> Sample {
    let request = try CardReadRequest(key: key, options: ReadOptions(fixedChunkSize: chunk))
    let cpu0 = cpuSeconds()
    let t0 = ContinuousClock.now
    let record = try await CardReading().read(reader: reader, identity: nil, request: request)
    let wall = ContinuousClock.now - t0
    let cpu = cpuSeconds() - cpu0
    return Sample(
        wallMs: milliseconds(wall),
        cpuMs: cpu * 1000,
        apdus: record.stats.apdus,
        bytes: record.stats.bytesSent + record.stats.bytesReceived,
        record: record
    )
}

/// `runs` reads of each strategy, taken in turns (strategy 1, 2, 3, 4, 1, 2, …) so a slow
/// spell of the machine or a warming simulator weighs on all of them alike; one unrecorded
/// round first warms caches.
func measure(reader: Reader, key: KeySpec, strategies: [(String, Int?)], runs: Int) async throws -> [[Sample]] {
    var samples = Array(repeating: [Sample](), count: strategies.count)
    for round in 0...runs {
        for (i, (_, chunk)) in strategies.enumerated() {
            let sample = try await measureOnce(reader: reader, key: key, chunk: chunk)
            if round > 0 { samples[i].append(sample) }
        }
    }
    return samples
}

/// The fewest APDUs any reader could use for the same files on this card and link: protocol
/// steps as ours, each file in ceil(size / largest chunk) READ BINARY (at least one).
func minimumAPDUs(_ r: CitizenRecord, shortOnly: Bool) -> Int {
    // Protocol steps no reader can skip: PACE (MSE + 4 GENERAL AUTHENTICATE) and SELECT are the
    // overhead outside the file rows; chip authentication is MSE + GENERAL AUTHENTICATE, active
    // authentication one INTERNAL AUTHENTICATE.
    let protocolSteps = ["ChipAuthentication": 2, "ActiveAuthentication": 1]
    let overhead = r.stats.apdus - r.stats.files.reduce(0) { $0 + $1.apdus }
    let smChunk = shortOnly ? 223 : 65503
    let plainChunk = shortOnly ? 256 : 65536
    return overhead
        + r.stats.files.reduce(0) { sum, f in
            if let steps = protocolSteps[f.name] { return sum + steps }
            let chunk = f.name == "CardAccess" ? plainChunk : smChunk
            return sum + max(1, (f.bytes + chunk - 1) / chunk)
        }
}

struct Row: Codable {
    var card: String
    var latencyMs: Int
    var strategy: String
    var apdus: Int
    var minimumAPDUs: Int
    var ratioToMinimum: Double
    var bytes: Int
    var wallMsMedian: Double
    var cpuMsMedian: Double
    var runs: Int
}

let runs = Int(ProcessInfo.processInfo.environment["BENCH_RUNS"] ?? "") ?? 15
/// BENCH_ONLY=short-0 (card-latency) runs only our strategy on that card, no daemon figures:
/// a steady loop to profile (`perf record -p`).
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]
let profileName = "le-thi-hong-nhung"
let profile = try CitizenProfile.load(named: profileName)
let key = KeySpec(id: profile.dg13.idNumber)
// BENCH_ONLY=face: the face check's figures alone (docs/face-check.md); they are also printed last.
if ProcessInfo.processInfo.environment["BENCH_ONLY"] == "face" {
    _ = try await FaceBench.run()
    exit(0)
}
// BENCH_ONLY=address: the address resolver's figures alone (docs/address.md; no pcscd needed).
if only == "address" {
    measureAddresses().print()
    exit(0)
}
let bench = try await PCSCBench.shared()
let context = try await PCSCContext.establish()
let readerName = bench.readerName(slot: 0)
let reader = context.reader(named: readerName)
var rows: [Row] = []

// BENCH_ONLY=timing: only the timing profiles (docs/design.md §5).
if only == "timing" {
    var timingRows: [TimingRow] = []
    for timing in ChipTiming.profiles {
        FileHandle.standardError.write(Data("bench: timing profile \(timing.name)\n".utf8))
        timingRows += try await measureTimingProfile(
            timing,
            bench: bench,
            reader: reader,
            profile: profile,
            runs: max(3, runs / 3)
        )
    }
    printTimingRows(timingRows)
    exit(0)
}

for latency in [0, 5] {
    for shortOnly in [true, false] where only == nil || only == "\(shortOnly ? "short" : "extended")-\(latency)" {
        let sim = try await startSimulator(
            port: bench.port(slot: 0),
            profile: profileName,
            shortOnly: shortOnly,
            latencyMs: latency,
            reader: readerName,
            context: context
        )
        let strategies: [(String, Int?)] =
            only != nil
            ? [("cancuoc", nil)]
            : [("cancuoc", nil), ("fixed 112", 112), ("fixed 160", 160), ("fixed 223", 223)]
        let n = latency == 0 ? runs : max(3, runs / 3)
        FileHandle.standardError.write(
            Data("bench: \(shortOnly ? "short-only" : "extended") card, \(latency) ms\n".utf8)
        )
        let measured = try await measure(reader: reader, key: key, strategies: strategies, runs: n)
        for ((name, _), samples) in zip(strategies, measured) {
            let r = samples[0].record
            let minimum = minimumAPDUs(r, shortOnly: shortOnly)
            rows.append(
                Row(
                    card: shortOnly ? "short-only" : "extended",
                    latencyMs: latency,
                    strategy: name,
                    apdus: samples[0].apdus,
                    minimumAPDUs: minimum,
                    ratioToMinimum: Double(samples[0].apdus) / Double(minimum),
                    bytes: samples[0].bytes,
                    wallMsMedian: median(samples.map(\.wallMs)),
                    cpuMsMedian: median(samples.map(\.cpuMs)),
                    runs: n
                )
            )
        }
        await stopSimulator(sim, reader: readerName, context: context)
    }
}
// Issue 18: reads as long as a real chip's, on each timing profile (printed after the table).
var timingRows: [TimingRow] = []
if only == nil {
    for timing in ChipTiming.profiles {
        FileHandle.standardError.write(Data("bench: timing profile \(timing.name)\n".utf8))
        timingRows += try await measureTimingProfile(
            timing,
            bench: bench,
            reader: reader,
            profile: profile,
            runs: max(3, runs / 3)
        )
    }
}
await context.release()

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
print(
    "Full CCCD read (\(profileName), DG2 \(rows.first?.bytes ?? 0) wire bytes) through pcscd + vpcd, median of N reads"
)
print(
    "(CPU = user + system time of the reading process, pcsc-lite's client included; the simulated card runs in its own process)"
)
print(
    pad("card", 11) + pad("lat", 5) + pad("strategy", 11) + pad("APDUs", 7) + pad("min", 5) + pad("vs min", 8)
        + pad("bytes", 8) + pad("wall ms", 9) + pad("CPU ms", 8) + "N"
)
for r in rows {
    print(
        pad(r.card, 11) + pad("\(r.latencyMs)", 5) + pad(r.strategy, 11) + pad("\(r.apdus)", 7)
            + pad("\(r.minimumAPDUs)", 5)
            + pad(String(format: "%.2fx", r.ratioToMinimum), 8) + pad("\(r.bytes)", 8)
            + pad(String(format: "%.1f", r.wallMsMedian), 9)
            + pad(String(format: "%.2f", r.cpuMsMedian), 8) + "\(r.runs)"
    )
}
for card in ["short-only", "extended"] {
    let ours = rows.filter { $0.card == card && $0.strategy == "cancuoc" && $0.latencyMs == 0 }.first
    let f160 = rows.filter { $0.card == card && $0.strategy == "fixed 160" && $0.latencyMs == 0 }.first
    if let ours, let f160 {
        print(
            "\(card): APDUs vs minimum: \(String(format: "%.2f", ours.ratioToMinimum))x; 160-byte strategy needs \(String(format: "%.2f", Double(f160.apdus) / Double(ours.apdus)))x our APDUs"
        )
    }
}
if only != nil { exit(0) }
printTimingRows(timingRows)
let daemon = try await measureDaemon(bench: bench, profile: profile, subscriberCount: 200)
print("")
print("Daemon (in-process, \(daemon.subscribers) subscribed clients, each on its own socket and thread)")
print(
    String(
        format: "  card reported by pcscd -> card.inserted at a client: median %.2f ms, worst %.2f ms",
        daemon.insertToEventMsMedian,
        daemon.insertToEventMsMax
    )
)
print(
    String(
        format: "  card's last APDU -> read.completed at a client:     median %.2f ms, worst %.2f ms",
        daemon.lastAPDUToCompletedMsMedian,
        daemon.lastAPDUToCompletedMsMax
    )
)
print(
    String(
        format: "  one card.read: %.1f ms; two readers read at once: %.1f ms for both (%.2fx one)",
        daemon.oneReaderReadMs,
        daemon.twoReadersBothReadMs,
        daemon.twoReadersBothReadMs / max(daemon.oneReaderReadMs, 0.001)
    )
)
print(
    String(
        format:
            "  tap -> record at a waiting client (median of %d each, in turns): Unix socket %.1f ms, WebSocket %.1f ms (%.3fx)",
        daemon.tapToRecordRounds,
        daemon.tapToRecordUnixMsMedian,
        daemon.tapToRecordWebSocketMsMedian,
        daemon.webSocketToUnixRatio
    )
)
let memory = try await measureDaemonProcess(bench: bench, profile: profile, subscriberCount: 200, reads: 5)
print("")
print("cancuocd resident memory (release binary, own process; RSS = anonymous + shared library pages)")
for (label, m) in [
    ("idle", memory.idle), ("200 clients, \(memory.reads) verified reads", memory.loaded),
    ("clients gone", memory.after),
] {
    print("  \(label): " + String(format: "RSS %.1f MB (anonymous %.1f MB, file %.1f MB)", m.rssMB, m.anonMB, m.fileMB))
}
print(String(format: "  peak RSS %.1f MB", memory.peakMB))

let address = measureAddresses()
address.print()

let out = URL(fileURLWithPath: "bench-results")
try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
let stamp = Int(Date().timeIntervalSince1970)
try encoder.encode(rows).write(to: out.appendingPathComponent("read-\(stamp).json"))
try encoder.encode(daemon).write(to: out.appendingPathComponent("daemon-\(stamp).json"))
try encoder.encode(memory).write(to: out.appendingPathComponent("memory-\(stamp).json"))
try encoder.encode(timingRows).write(to: out.appendingPathComponent("timing-\(stamp).json"))
try encoder.encode(address).write(to: out.appendingPathComponent("address-\(stamp).json"))
if let face = try await FaceBench.run() {
    try encoder.encode(face).write(to: out.appendingPathComponent("face-\(stamp).json"))
}
print("written: bench-results/read-\(stamp).json")
