import CCCD
import MRTD
import Foundation
import Logging
import PCSC
import Synchronization

/// The daemon: reader sessions kept from monitor events, and the API methods on top
/// (docs/api.md). `APIServer` owns the socket; this type owns meaning.
///
/// ```swift
/// let core = DaemonCore(configuration: configuration)
/// await core.start()                  // watch readers
/// let server = APIServer(configuration: …, handler: core)
/// try await server.start()
/// …
/// await server.stop(); await core.stop()
/// ```
public final class DaemonCore: APIRequestHandler {
    public let configuration: DaemonConfiguration
    /// CSCAs, master lists and CRLs from the trust directory, reloaded when it changes.
    let trustDirectory: TrustDirectoryWatch
    public let registry = ReaderRegistry()
    /// Per-reader usage for the inventory (never personal data); `NoUsageRecorder` in tests.
    public let usage: any UsageRecorder
    let subscribers: SubscriberList
    let logger: Logger
    /// Pending scan-and-tap keys (issue 11); idle when no scanner is configured.
    let pairing: ScannerPairing
    private let monitor: ReaderMonitor
    private let state = Mutex(State())

    private struct State {
        var monitorTask: Task<Void, Never>?
        var scannerTasks: [Task<Void, Never>] = []
        var scannerSources: [SerialLineSource] = []
        var reads: [UInt64: Task<Result<ReadOutcome, ReadFailure>, Never>] = [:]
        var nextRead: UInt64 = 0
        var stopped = false
    }

    public init(configuration: DaemonConfiguration = DaemonConfiguration(), usage: any UsageRecorder = NoUsageRecorder(),
                logger: Logger = Logger(label: "cancuoc.daemon")) {
        self.configuration = configuration
        self.usage = usage
        self.logger = logger
        let subscribers = SubscriberList()
        self.subscribers = subscribers
        self.pairing = ScannerPairing(
            pendingDuration: .milliseconds(Int64(configuration.scanPendingSeconds * 1000)), logger: logger,
            expired: { scan in subscribers.broadcastRecords(method: "qr.scanned", params: Self.qrScannedParams(scan)) })
        self.trustDirectory = TrustDirectoryWatch(path: configuration.trustDirectory, logger: logger)
        _ = trustDirectory.current()
        self.monitor = ReaderMonitor(pollInterval: .milliseconds(Int64(configuration.readerPollSeconds * 1000)))
    }

    /// Starts watching readers. Returns once the first reader event arrived (or after a
    /// second without one, as when no reader is connected), so the first `readers.list`
    /// after start already shows the readers that were plugged in.
    public func start() async {
        let events = monitor.events()
        let task = Task { [weak self, registry, subscribers, logger, usage] in
            for await event in events {
                Self.log(event, logger)
                switch event {
                case .attached(let info): await usage.readerSeen(ReaderUsageInfo(info))
                case .detached(_, let id): await usage.readerGone(id: id.rawValue)
                default: break
                }
                for notification in await registry.apply(event) {
                    subscribers.broadcast(method: notification.method, params: notification.params)
                }
                if case .cardInserted(let name, _) = event { await self?.cardInsertedForScan(readerName: name) }
            }
        }
        state.withLock { $0.monitorTask = task }
        startScanners()
        for _ in 0..<20 where !(await registry.hasSeenEvents) {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops watching readers and cancels running reads (their clients get `cancelled`).
    /// PC/SC contexts are released as their tasks end.
    public func stop() async {
        let (monitorTask, scannerTasks, reads) = state.withLock { state in
            state.stopped = true
            defer {
                state.monitorTask = nil
                state.scannerTasks = []
                state.reads = [:]
            }
            return (state.monitorTask, state.scannerTasks, Array(state.reads.values))
        }
        monitorTask?.cancel()
        for task in scannerTasks { task.cancel() }
        await pairing.stop()
        for read in reads { read.cancel() }
        await monitorTask?.value
        // A read stuck in a PC/SC call cannot be interrupted: give reads 5 s to end, then
        // go anyway (the process is exiting; pcscd cleans up after a dead client).
        let ended = FirstResult<Bool>()
        Task {
            for read in reads { _ = await read.value }
            ended.offer(true)
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(5))
            ended.offer(false)
        }
        if await !ended.value() {
            logger.warning("reads still running at shutdown", metadata: ["count": "\(reads.count)"])
        }
        timer.cancel()
    }

    // MARK: APIRequestHandler

    public func handle(method: String, params: JSONValue, client: APIClient) async throws -> JSONValue {
        switch method {
        case "hello":
            return hello()
        case "readers.list":
            return await readersList()
        case "card.read":
            return try await cardRead(params: params, client: client)
        case "events.subscribe":
            return try subscribe(params: params, client: client)
        case "reader.diagnose":
            return try await diagnose(params: params)
        case "inventory.summary":
            guard let log = usage as? UsageLog else {
                throw APIError(.internalError, message: "this daemon keeps no usage log", messageVi: "Máy chủ không lưu nhật ký sử dụng")
            }
            return try await log.summary().jsonValue()
        default:
            throw APIError.methodNotFound(method)
        }
    }

    public func clientDisconnected(_ client: APIClient) async {
        subscribers.remove(client)
    }

    // MARK: Methods

    func hello() -> JSONValue {
        [
            "apiLevel": .int(Int64(CancuocService.apiLevel)),
            "version": .string(CancuocService.version),
            "facility": configuration.facility.name.map(JSONValue.string) ?? .null,
            "facilityId": configuration.facility.id.map(JSONValue.string) ?? .null,
        ]
    }

    func readersList() async -> JSONValue {
        var readers: [JSONValue] = []
        for session in await registry.all { readers.append(await session.listing()) }
        // Without pcscd the list is empty for a reason the HIS should show differently.
        let pcscAvailable = await registry.serviceProblem == nil
        return ["readers": .array(readers), "pcscAvailable": .bool(pcscAvailable)]
    }

    struct SubscribeParams: Decodable {
        var records: Bool?
    }

    func subscribe(params: JSONValue, client: APIClient) throws(APIError) -> JSONValue {
        let records = try params.decodeParams(SubscribeParams.self).records ?? false
        if records && !client.isInSocketGroup {
            throw APIError(
                .invalidParams,
                message: "Invalid params: records: true needs membership in the socket's group",
                messageVi: "Chỉ thành viên nhóm của dịch vụ mới được nhận dữ liệu cá nhân",
                detail: ["param": "records"])
        }
        subscribers.add(client, records: records)
        logger.info("subscribed", metadata: Self.metadata(client).merging(["records": "\(records)"]) { $1 })
        return ["subscribed": true, "records": .bool(records)]
    }

    // MARK: Reads

    /// A finished read: the record and how long the daemon spent.
    struct ReadOutcome: Sendable {
        var record: JSONValue
        var access: String
        var verification: String
        var apdus: Int
        var durationMs: Int
        var bytes: Int
        /// The chip's personal data, for the scan-and-tap QR cross-check; never logged.
        var person: CitizenRecord.Person? = nil
    }

    func track(_ task: Task<Result<ReadOutcome, ReadFailure>, Never>) -> UInt64? {
        state.withLock { state in
            guard !state.stopped else { return nil }
            let id = state.nextRead
            state.nextRead += 1
            state.reads[id] = task
            return id
        }
    }

    /// Keeps a scanner's source and its consumer task, cancelled by `stop()`.
    func keep(scanner source: SerialLineSource, task: Task<Void, Never>) {
        state.withLock {
            $0.scannerTasks.append(task)
            $0.scannerSources.append(source)
        }
    }

    /// The configured scanners' sources (tests wait for them to connect).
    var scannerSources: [SerialLineSource] { state.withLock { $0.scannerSources } }

    func untrack(_ id: UInt64) {
        _ = state.withLock { $0.reads.removeValue(forKey: id) }
    }

    static func metadata(_ client: APIClient) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["client": "\(client.id)"]
        if let uid = client.uid { metadata["uid"] = "\(uid)" }
        if let pid = client.pid { metadata["pid"] = "\(pid)" }
        return metadata
    }

    static func log(_ event: ReaderEvent, _ logger: Logger) {
        switch event {
        case .attached(let info):
            logger.info("reader attached", metadata: ["reader": "\(info.id)", "name": "\(info.name)"])
        case .detached(let name, let id):
            logger.info("reader detached", metadata: ["reader": "\(id)", "name": "\(name)"])
        case .cardInserted(let name, _):
            logger.debug("card inserted", metadata: ["name": "\(name)"])
        case .cardRemoved(let name):
            logger.debug("card removed", metadata: ["name": "\(name)"])
        case .serviceUnavailable(let error):
            logger.warning("pcscd is not reachable; retrying", metadata: ["error": "\(error.name)"])
        case .serviceRestored:
            logger.notice("pcscd is reachable again")
        }
    }
}
