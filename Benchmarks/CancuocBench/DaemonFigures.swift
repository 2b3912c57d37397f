import CancuocAPI
import CancuocDaemon
import CancuocServer
import CardSimulator
import Foundation
import MRTD
import PCSC
import SmartCard
import Synchronization
import TestBench

/// The daemon's figures (docs/performance.md): event latency from the moment pcscd reports the card,
/// read.completed after the card's last APDU, fan-out to 200 subscribers, two readers at
/// once (resident memory: DaemonMemory.swift, on the real binary). The daemon runs in this process on its own socket; clients are
/// blocking sockets on threads of their own, as an HIS would be.
struct DaemonFigures: Codable {
    var subscribers: Int
    var insertToEventMsMedian: Double
    var insertToEventMsMax: Double
    var lastAPDUToCompletedMsMedian: Double
    var lastAPDUToCompletedMsMax: Double
    var oneReaderReadMs: Double
    var twoReadersBothReadMs: Double
    /// Tap → record at a client already waiting in `card.read` (docs/security.md), the same reads over
    /// the Unix socket and over the WebSocket, taken in turns.
    var tapToRecordUnixMsMedian: Double
    var tapToRecordWebSocketMsMedian: Double
    var tapToRecordRounds: Int
    var webSocketToUnixRatio: Double { tapToRecordWebSocketMsMedian / max(tapToRecordUnixMsMedian, 0.001) }
}

/// A client that asks `card.read` to wait for the card, on a thread of its own; returns when
/// the record arrived. `sent` runs once the request is on its way.
func waitForRecord(
    path: String,
    webPort: Int?,
    reader: String,
    id: String,
    sent: @escaping @Sendable () -> Void
) async throws -> UInt64 {
    try await withCheckedThrowingContinuation { c in
        Thread {
            c.resume(
                with: Result {
                    let params: JSONValue = [
                        "reader": .string(reader), "key": ["id": .string(id)], "waitForCardSeconds": 20,
                    ]
                    let response: JSONValue
                    if let webPort {
                        let socket = try BenchWebSocket(port: webPort, origin: benchOrigin)
                        sent()
                        response = try socket.call(id: 1, method: "card.read", params: params)
                    } else {
                        let connection = try UnixSocketClient(path: path)
                        sent()
                        response = try connection.call(method: "card.read", params: params)
                    }
                    let arrived = monotonicNanoseconds()
                    guard response["result"]?["person"] != nil else {
                        throw BenchWebSocket.Failure(what: "no record: \(response)")
                    }
                    return arrived
                }
            )
        }.start()
    }
}

let benchOrigin = "http://his.bench.invalid"

/// Wraps a card and notes when it answered its last APDU.
actor LastAnswerCard: APDUHandler {
    let inner: any APDUHandler
    private(set) var lastAnswer: UInt64 = 0
    init(_ inner: any APDUHandler) { self.inner = inner }
    func powerOn() async -> [UInt8] { await inner.powerOn() }
    func powerOff() async { await inner.powerOff() }
    func process(_ command: CommandAPDU) async -> ResponseAPDU {
        let r = await inner.process(command)
        lastAnswer = monotonicNanoseconds()
        return r
    }
}

/// Monotonic nanoseconds `from` → `to` in milliseconds, negative when `to` came first.
func milliseconds(from: UInt64, to: UInt64) -> Double { Double(Int64(bitPattern: to &- from)) / 1e6 }

/// A subscriber on its own thread; records when each notification arrives.
final class Subscriber: Sendable {
    let arrivals = Mutex<[String: UInt64]>([:])
    private let socket = Mutex<Int32?>(nil)
    init(path: String, ready: @escaping @Sendable () -> Void) {
        Thread {
            guard let connection = try? UnixSocketClient(path: path),
                (try? connection.call(method: "events.subscribe", params: ["records": false])) != nil
            else { return }
            self.socket.withLock { $0 = connection.fileDescriptor }
            ready()
            while let message = try? connection.nextMessage() {
                if let method = message["method"]?.stringValue {
                    let now = monotonicNanoseconds()
                    self.arrivals.withLock { if $0[method] == nil { $0[method] = now } }
                }
            }
        }.start()
    }
    func arrival(_ method: String) -> UInt64? { arrivals.withLock { $0[method] } }
    /// Disconnects; the thread ends.
    func leave() { socket.withLock { if let fd = $0 { _ = shutdown(fd, Int32(SHUT_RDWR)) } } }
}

/// One blocking request on a thread of its own.
func callOffPool(path: String, method: String, params: JSONValue) async throws -> JSONValue {
    try await withCheckedThrowingContinuation { c in
        Thread {
            c.resume(
                with: Result {
                    let connection = try UnixSocketClient(path: path)
                    return try connection.call(method: method, params: params)
                }
            )
        }.start()
    }
}

func measureDaemon(
    bench: PCSCBench,
    profile: CitizenProfile,
    subscriberCount: Int,
    tapRounds: Int = 8
) async throws -> DaemonFigures {
    let directory = NSTemporaryDirectory() + "/cancuoc-daemon-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = DaemonConfiguration()
    configuration.socketPath = directory + "/api.sock"
    configuration.socketGroup = nil
    configuration.maxClients = subscriberCount + 16
    configuration.stateDirectory = directory
    let core = DaemonCore(configuration: configuration)
    await core.start()
    let server = APIServer(
        configuration: configuration.serverConfiguration(listen: .path(configuration.socketPath)),
        service: core
    )
    try await server.start()

    // Subscribers.
    let ready = Mutex(0)
    let subscribers = (0..<subscriberCount).map { _ in
        Subscriber(path: configuration.socketPath) { ready.withLock { $0 += 1 } }
    }
    while ready.withLock({ $0 }) < subscriberCount { try await Task.sleep(for: .milliseconds(10)) }

    // The reference clock: when pcscd tells a PC/SC client the card is there.
    let reader = bench.readerName(slot: 0)
    let observer = try await PCSCContext.establish()
    var state = try await observer.currentStates(of: [reader])[0]
    let card = LastAnswerCard(try SimulatedCCCD.make(profile: profile))
    let insert = Task { try await bench.insert(card: card, slot: 0) }
    var reported: UInt64 = 0
    while reported == 0 {
        if let changed = try await observer.getStatusChange([state.acknowledged()], timeout: .seconds(5))?.first {
            state = changed
            if state.isPresent { reported = monotonicNanoseconds() }
        }
    }
    try await insert.value
    await observer.release()
    for _ in 0..<500 where subscribers.contains(where: { $0.arrival("card.inserted") == nil }) {
        try await Task.sleep(for: .milliseconds(10))
    }
    // Signed: pcscd tells the daemon and our observer at about the same time, and the daemon's
    // event can reach a client before the observer wakes up.
    let insertLatencies = subscribers.compactMap { $0.arrival("card.inserted") }.map {
        milliseconds(from: reported, to: $0)
    }

    // One read; read.completed fan-out measured from the card's last answer.
    let t0 = monotonicNanoseconds()
    _ = try await callOffPool(
        path: configuration.socketPath,
        method: "card.read",
        params: ["reader": .string(reader), "key": ["id": .string(profile.dg13.idNumber)]]
    )
    let oneRead = Double(monotonicNanoseconds() &- t0) / 1e6
    for _ in 0..<500 where subscribers.contains(where: { $0.arrival("read.completed") == nil }) {
        try await Task.sleep(for: .milliseconds(10))
    }
    let last = await card.lastAnswer
    let completedLatencies = subscribers.compactMap { $0.arrival("read.completed") }.map {
        milliseconds(from: last, to: $0)
    }

    // Two readers at once.
    try await bench.insert(card: try SimulatedCCCD.make(profile: profile), slot: 1)
    let path = configuration.socketPath
    let id = profile.dg13.idNumber
    let second = bench.readerName(slot: 1)
    let t1 = monotonicNanoseconds()
    async let a = callOffPool(
        path: path,
        method: "card.read",
        params: ["reader": .string(reader), "key": ["id": .string(id)]]
    )
    async let b = callOffPool(
        path: path,
        method: "card.read",
        params: ["reader": .string(second), "key": ["id": .string(id)]]
    )
    _ = try await (a, b)
    let twoReads = Double(monotonicNanoseconds() &- t1) / 1e6

    // Tap → record, Unix socket and WebSocket in turns (the 200 subscribers stay connected).
    let web = WebSocketServer(
        configuration: WebServerConfiguration(
            listen: [.address(try WebListenAddress(host: "127.0.0.1", port: 0))],
            access: WebAccessPolicy(allowedOrigins: [benchOrigin]),
            limits: configuration.serverConfiguration(listen: .path(configuration.socketPath))
        ),
        service: core
    )
    try await web.start()
    let webPort = web.boundAddresses[0].port
    await bench.removeAll()
    var tapUnix: [Double] = []
    var tapWeb: [Double] = []
    for round in 0..<(2 * tapRounds) {
        let viaWeb = round % 2 == 1
        let sent = Mutex(false)
        let arrival = Task {
            try await waitForRecord(path: path, webPort: viaWeb ? webPort : nil, reader: reader, id: id) {
                sent.withLock { $0 = true }
            }
        }
        while !sent.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(100))  // the daemon is waiting for the card
        let tap = monotonicNanoseconds()
        try await bench.insert(card: try SimulatedCCCD.make(profile: profile), slot: 0)
        let ms = milliseconds(from: tap, to: try await arrival.value)
        if viaWeb { tapWeb.append(ms) } else { tapUnix.append(ms) }
        await bench.remove(slot: 0)
    }
    await web.stop()

    await server.stop()
    await core.stop()
    await bench.removeAll()
    try await Task.sleep(for: .milliseconds(300))
    func med(_ xs: [Double]) -> Double { median(xs) }
    return DaemonFigures(
        subscribers: subscriberCount,
        insertToEventMsMedian: med(insertLatencies),
        insertToEventMsMax: insertLatencies.max() ?? -1,
        lastAPDUToCompletedMsMedian: med(completedLatencies),
        lastAPDUToCompletedMsMax: completedLatencies.max() ?? -1,
        oneReaderReadMs: oneRead,
        twoReadersBothReadMs: twoReads,
        tapToRecordUnixMsMedian: med(tapUnix),
        tapToRecordWebSocketMsMedian: med(tapWeb),
        tapToRecordRounds: tapRounds
    )
}
