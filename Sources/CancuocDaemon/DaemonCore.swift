import CCCD
import CancuocAPI
import CancuocUsage
import CardService
import Foundation
import Logging
import MRTD
import PCSC
import ServiceLifecycle
import Synchronization

/// The daemon: reader sessions kept from monitor events, and the API methods on top
/// (docs/api.md). Transports (`APIServer`) own connections and framing; this type owns
/// meaning. Under the service group it is a `Service`: `run()` watches readers until the
/// group shuts down, then cancels running reads (their callers get `cancelled`).
public final class DaemonCore: APIService, Service {
    public let configuration: DaemonConfiguration
    /// CSCAs, master lists and CRLs from the trust directory, reloaded when it changes.
    let trustDirectory: TrustDirectoryWatch
    public let registry = ReaderRegistry()
    /// Per-reader usage for the inventory (never personal data); `NoUsageRecorder` in tests.
    public let usage: any UsageRecorder
    let subscribers: SubscriberList
    let logger: Logger
    /// Pending scan-and-tap keys (docs/integration.md §5); idle when no scanner is configured.
    let pairing: ScannerPairing
    /// Growing delays for callers that loop wrong keys on a reader.
    let wrongKeys = WrongKeyThrottle()
    /// Chip portraits waiting for their `face.check` (docs/face-check.md), and the matcher to use.
    public let faceDesk: FaceDesk
    private let monitor: ReaderMonitor
    private let state = Mutex(State())

    private struct State {
        var monitorTask: Task<Void, Never>?
        var scannerTasks: [Task<Void, Never>] = []
        var scannerSources: [SerialLineSource] = []
        var reads: [UInt64: Task<Result<CitizenRecord, ReadFailure>, Never>] = [:]
        var nextRead: UInt64 = 0
        var stopped = false
    }

    public init(
        configuration: DaemonConfiguration = DaemonConfiguration(),
        usage: any UsageRecorder = NoUsageRecorder(),
        logger: Logger = Logger(label: "cancuoc.daemon")
    ) {
        self.configuration = configuration
        self.usage = usage
        self.logger = logger
        let subscribers = SubscriberList()
        self.subscribers = subscribers
        self.pairing = ScannerPairing(
            pendingDuration: .seconds(configuration.scanPendingSeconds),
            logger: logger,
            expired: { scan in subscribers.broadcast(.qrScanned(Self.qrScanned(scan))) }
        )
        self.trustDirectory = TrustDirectoryWatch(path: configuration.trustDirectory, logger: logger)
        _ = trustDirectory.current()
        self.monitor = ReaderMonitor(pollInterval: .seconds(configuration.readerPollSeconds))
        self.faceDesk = FaceDesk(
            configuration: configuration.faceMatcherConfiguration(),
            thresholds: configuration.face.thresholds,
            camera: configuration.faceCameraSource()
        )
    }

    /// The API: one line per method, params and result typed (docs/api.md).
    static let methods: MethodTable<DaemonCore> = {
        var table = MethodTable<DaemonCore>()
        table.register(.hello) { (core, _: NoParams, _) in core.hello() }
        table.register(.readersList) { (core, _: NoParams, _) in await core.readersList() }
        table.register(.cardRead) { (core, params: CardReadParams, connection) in
            try await core.cardRead(params, connection: connection)
        }
        table.register(.eventsSubscribe) { (core, params: SubscribeParams, connection) in
            try core.subscribe(params, connection: connection)
        }
        table.register(.readerDiagnose) { (core, params: DiagnoseParams, connection) in
            try await core.diagnose(params, connection: connection)
        }
        table.register(.inventorySummary) { (core, _: NoParams, _) in try await core.inventorySummary() }
        table.register(.faceCheck) { (core, params: FaceCheckParams, connection) in
            try await core.faceCheck(params, connection: connection)
        }
        return table
    }()

    /// Starts watching readers. Returns once the readers present now have been reported (or
    /// after a second without any, as when no reader is connected).
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
                    subscribers.broadcast(notification)
                }
                if case .cardInserted(let name, _) = event { await self?.cardInsertedForScan(readerName: name) }
            }
        }
        state.withLock { $0.monitorTask = task }
        startScanners()
        await registry.waitUntilSettled(upTo: .seconds(1))
    }

    /// `Service`: watch readers until the group shuts down, then stop.
    public func run() async throws {
        await start()
        try? await gracefulShutdown()
        await stop()
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
        // A read stuck in a PC/SC call cannot be interrupted: give reads 5 s to end, then go
        // anyway (the process is exiting; pcscd cleans up after a dead client).
        do {
            try await withDeadline(.seconds(5)) {
                for read in reads { _ = await read.value }
            }
        } catch {
            logger.warning("reads still running at shutdown", metadata: ["count": "\(reads.count)"])
        }
    }

    // MARK: APIService

    public func respond(to request: JSONRPCRequest, on connection: Connection) async throws -> JSONText {
        try await Self.methods.respond(to: request, on: connection, service: self)
    }

    public func connectionClosed(_ connection: Connection) async {
        subscribers.remove(connection)
        faceDesk.drop(connection.id)
    }

    // MARK: Methods

    func hello() -> HelloResult {
        HelloResult(
            apiLevel: Product.apiLevel,
            version: Product.version,
            facility: configuration.facility.name,
            facilityId: configuration.facility.id
        )
    }

    func readersList() async -> ReadersList {
        await registry.waitUntilSettled(upTo: .seconds(1))
        var readers: [ReaderListing] = []
        for session in await registry.all { readers.append(await session.listing()) }
        // Without pcscd the list is empty for a reason the HIS should show differently.
        return ReadersList(readers: readers, pcscAvailable: await registry.serviceProblem == nil)
    }

    func subscribe(_ params: SubscribeParams, connection: Connection) throws(APIError) -> SubscribeResult {
        let records = params.records ?? false
        if records && !connection.principal.mayReceiveRecords {
            throw APIError(
                .invalidParams,
                message: connection.principal.origin == nil
                    ? "Invalid params: records: true needs membership in the socket's group"
                    : "Invalid params: records: true is not allowed for this web origin (web.recordsOrigins)",
                messageVi: connection.principal.origin == nil
                    ? "Chỉ thành viên nhóm của dịch vụ mới được nhận dữ liệu cá nhân"
                    : "Trang web này không được phép nhận dữ liệu cá nhân của các lần đọc khác",
                detail: ["param": "records"]
            )
        }
        subscribers.add(connection, records: records)
        logger.info("subscribed", metadata: connection.logMetadata.merging(["records": "\(records)"]) { $1 })
        return SubscribeResult(subscribed: true, records: records)
    }

    func inventorySummary() async throws -> InventoryReport {
        guard let log = usage as? UsageLog else {
            throw APIError(
                .internalError,
                message: "this daemon keeps no usage log",
                messageVi: "Máy chủ không lưu nhật ký sử dụng"
            )
        }
        var report = await log.summary()
        report.trust = TrustInventory(directory: trustDirectory.path)
        return report
    }

    // MARK: Reads

    /// Keeps a running read, cancelled by `stop()`; `nil` once stopping.
    func track(_ task: Task<Result<CitizenRecord, ReadFailure>, Never>) -> UInt64? {
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
