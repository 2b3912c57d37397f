import CardService
import Foundation
import Logging

/// The daemon's `UsageRecorder`: queues changes in memory (bounded) and writes them to the
/// `UsageStore` off the read path, in batches. It never blocks or fails a read: when the
/// store cannot be opened or written (read-only or full disk), the failure is logged once
/// per episode, the events are dropped and counted (`lostEvents`, also in the report and
/// the metrics), and writing resumes by itself when the disk recovers.
public actor UsageLog: UsageRecorder {
    public struct Configuration: Sendable {
        public var path: String
        public var facilityID: String?
        public var facilityName: String?
        public var retentionDays: Int
        /// Changes waiting for the disk; beyond this, events are dropped and counted.
        public var queueCapacity: Int

        public init(
            path: String = UsageStore.defaultPath,
            facilityID: String? = nil,
            facilityName: String? = nil,
            retentionDays: Int = UsageStore.defaultRetentionDays,
            queueCapacity: Int = 4096
        ) {
            self.path = path
            self.facilityID = facilityID
            self.facilityName = facilityName
            self.retentionDays = retentionDays
            self.queueCapacity = queueCapacity
        }

        /// `usage.sqlite` in the daemon's state directory.
        public static func inStateDirectory(_ dir: String, facilityID: String?, facilityName: String?) -> Self {
            .init(
                path: (dir as NSString).appendingPathComponent("usage.sqlite"),
                facilityID: facilityID,
                facilityName: facilityName
            )
        }
    }

    public let configuration: Configuration
    private let logger: Logger
    private var store: UsageStore?
    /// The open in progress: every caller waits for this one. Two opens would each mark all
    /// readers absent, the second possibly after the first's readers were recorded present.
    private var opening: Task<UsageStore, any Error>?
    /// Opens started (tests: concurrent callers share one).
    private(set) var opensStarted = 0
    private var pending: [UsageStore.Change] = []
    private var draining = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var failing = false
    private var lastPrune: Date?
    private var nextOpenAttempt: ContinuousClock.Instant?
    /// Readers attached now: re-announced after the store (re)opens, because opening
    /// clears the presence a previous daemon run left behind.
    private var attached: [String: ReaderUsageInfo] = [:]
    private var justOpened = false
    private var recoveredAt: ContinuousClock.Instant?
    /// Read events that never reached the disk since this log started.
    public private(set) var lostEvents = 0

    public init(configuration: Configuration, logger: Logger = Logger(label: "cancuoc.usage")) {
        self.configuration = configuration
        self.logger = logger
    }

    public func readerSeen(_ info: ReaderUsageInfo) async {
        attached[info.id] = info
        enqueue(.readerSeen(info, at: Date()))
    }

    public func readerGone(id: String) async {
        attached[id] = nil
        enqueue(.readerGone(id: id, at: Date()))
    }
    public func readFinished(_ event: ReadEvent) async { enqueue(.read(event)) }
    public func faceCheckFinished(_ event: FaceCheckEvent) async { enqueue(.faceCheck(event)) }

    /// Waits until everything queued so far has been written (or counted as lost).
    public func flush() async {
        guard draining || !pending.isEmpty else { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// This clinic's report (`inventory.summary`). Without a usable store: the facility,
    /// no readers and the lost-event count, so the caller still gets an answer.
    public func summary() async -> InventoryReport {
        await flush()
        let lost = lostEvents
        if let store = try? await currentStore(), let report = try? await Self.report(store, lostEvents: lost) {
            return report
        }
        return InventoryReport(
            format: InventoryReport.currentFormat,
            facility: .init(id: configuration.facilityID, name: configuration.facilityName),
            generatedAt: Date(),
            software: "cancuoc \(Product.version)",
            retentionDays: configuration.retentionDays,
            lostEvents: lost,
            readers: [],
            totals: .empty
        )
    }

    /// The totals for the Prometheus textfile; nil when the store is unusable.
    public func metricsSnapshot() async -> UsageMetricsSnapshot? {
        await flush()
        guard let store = try? await currentStore() else { return nil }
        return try? await Self.snapshot(store)
    }

    private func enqueue(_ change: UsageStore.Change) {
        guard pending.count < configuration.queueCapacity else {
            if case .read = change { lostEvents += 1 }
            reportFailure("the usage queue is full (\(configuration.queueCapacity) changes): dropping events")
            return
        }
        pending.append(change)
        if !draining {
            draining = true
            Task { await self.drain() }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            var batch = pending
            pending.removeAll(keepingCapacity: true)
            do {
                let store = try await currentStore()
                if justOpened {
                    let now = Date()
                    batch = attached.values.sorted { $0.id < $1.id }.map { .readerSeen($0, at: now) } + batch
                }
                try await store.apply(batch, facilityID: configuration.facilityID)
                justOpened = false
                if failing {
                    failing = false
                    logger.notice("usage log recovered", metadata: ["lostEvents": "\(lostEvents)"])
                }
                await pruneIfDue(store)
            } catch {
                if await recoverIfDamaged(error) {
                    pending = batch + pending  // once more, into the fresh file
                    continue
                }
                lostEvents += batch.filter { if case .read = $0 { true } else { false } }.count
                reportFailure("cannot write the usage log: \(error)")
            }
        }
        draining = false
        let w = waiters
        waiters.removeAll()
        for c in w { c.resume() }
    }

    /// The open store; opening happens off the actor, so recording never waits for the
    /// disk. After a failed open, the next attempt waits `reopenDelay` (meanwhile events
    /// are counted as lost without touching the disk).
    private func currentStore() async throws -> UsageStore {
        if let store { return store }
        if let opening { return try await opening.value }
        if let next = nextOpenAttempt, ContinuousClock.now < next { throw Unavailable() }
        let configuration = self.configuration
        let logger = self.logger
        let task = Task { try await Self.open(configuration, logger: logger) }
        opening = task
        opensStarted += 1
        defer { opening = nil }
        do {
            let opened = try await task.value
            if let store { return store }
            store = opened
            nextOpenAttempt = nil
            justOpened = true
            return opened
        } catch {
            nextOpenAttempt = ContinuousClock.now + Self.reopenDelay
            throw error
        }
    }

    static let reopenDelay = Duration.seconds(5)

    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "the usage database could not be opened; retrying later" }
    }

    @concurrent private static func open(_ c: Configuration, logger: Logger) async throws -> UsageStore {
        let s = try openRecoveringDamage(c, logger: logger)
        try s.setFacility(id: c.facilityID, name: c.facilityName)
        try s.setRetention(days: c.retentionDays)
        try s.markAllReadersAbsent()
        return s
    }

    @concurrent private static func report(_ store: UsageStore, lostEvents: Int) async throws -> InventoryReport {
        try store.report(lostEvents: lostEvents)
    }

    @concurrent private static func snapshot(_ store: UsageStore) async throws -> UsageMetricsSnapshot {
        try store.metricsSnapshot()
    }

    @concurrent private static func prune(_ store: UsageStore) async throws {
        try store.prune()
    }

    private func pruneIfDue(_ store: UsageStore) async {
        let now = Date()
        if let lastPrune, now.timeIntervalSince(lastPrune) < 3600 { return }
        lastPrune = now
        do { try await Self.prune(store) } catch { reportFailure("cannot prune the usage log: \(error)") }
    }

    /// A write failed because the file is damaged (not full, not read-only): move it aside,
    /// salvage it and reopen (docs/troubleshooting.md). At most once a minute, so a failing disk is not
    /// copied over and over; false when nothing was done.
    private func recoverIfDamaged(_ error: any Error) async -> Bool {
        guard UsageDatabaseRecovery.isDamage(error), let damaged = store else { return false }
        if let recoveredAt, ContinuousClock.now - recoveredAt < .seconds(60) { return false }
        recoveredAt = ContinuousClock.now
        store = nil
        try? damaged.close()
        do {
            try await Self.recoverInBackground(configuration, logger: logger)
            return true
        } catch {
            reportFailure("cannot recover the damaged usage log: \(error)")
            return false
        }
    }

    /// Logs the first failure of an episode only; reads keep being served meanwhile.
    private func reportFailure(_ message: String) {
        guard !failing else { return }
        failing = true
        logger.error(
            "\(message); reads are still served, lost events are counted",
            metadata: ["path": "\(configuration.path)"]
        )
    }
}
