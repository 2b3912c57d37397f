import Foundation
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

/// A damaged usage database (a power cut mid-write) is moved aside, salvaged through SQLite
/// and replaced; counting goes on and the report says what happened (docs/troubleshooting.md).
@Suite(.timeLimit(.minutes(2))) struct UsageRecoveryTests {
    @Test(arguments: UsageDamage.allCases)
    func aDamagedUsageLogIsMovedAsideSalvagedAndCountingGoesOn(_ damage: UsageDamage) async throws {
        let dir = try usageTempDir("recovery-\(damage)")
        let path = dir.appendingPathComponent("usage.sqlite").path
        try UsageDamage.make(damage, at: path, events: 600, reader: sampleReader)
        #expect(UsageDatabaseRecovery.isDamaged(path: path), "the damage is seen before anything is written")

        let logs = CollectedLogs()
        let log = UsageLog(configuration: .init(path: path, facilityID: "TEST-01"), logger: logs.logger())
        await log.readerSeen(sampleReader)
        await log.readFinished(event(at: Date(), reader: sampleReader.id))
        await log.flush()
        #expect(await log.lostEvents == 0, "the read after the damage is stored")

        let report = await log.summary()
        let d = try #require(report.usageLogDamage, "the report names the event")
        #expect(d.recoveries == 1)
        #expect(abs(d.detectedAt.timeIntervalSinceNow) < 120)
        let reader = try #require(report.readers.first { $0.id == sampleReader.id })
        #expect(reader.usage.last30Days.reads == d.salvagedEvents + 1, "salvaged events and the new read are counted")
        switch damage {
        case .eventPage, .foreignWAL:
            #expect(
                d.salvagedEvents > 400 && d.salvagedEvents < 600 || damage == .foreignWAL && d.salvagedEvents == 600
            )
        case .zeros:
            #expect(d.salvagedEvents == 0)
        case .pages, .truncated:
            #expect(d.salvagedEvents < 600)
        }
        #expect(report.table().contains("Usage log damaged on"))
        #expect(report.table().contains("\(d.salvagedEvents) events salvaged"))

        // The damaged file is kept beside the new one, untouched by the recovery.
        let aside = try damagedFiles(in: dir.path)
        #expect(aside.contains(d.movedTo))
        if damage == .foreignWAL { #expect(aside.contains(d.movedTo + "-wal")) }
        let store = try UsageStore(path: path)
        #expect(try store.integrityCheck() == "ok")
        #expect(!UsageDatabaseRecovery.isDamaged(path: path))

        // One error line, in words, with counts and file names only.
        let errors = logs.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.text.contains("usage database was damaged") == true)

        // The metrics carry the event.
        let metrics = MetricsTextfileWriter.render(await log.metricsSnapshot(), lostEvents: 0, pcscUp: true)
        #expect(metrics.contains("cancuoc_usage_log_recoveries_total 1"))
        #expect(metrics.contains("cancuoc_usage_log_salvaged_events \(d.salvagedEvents)"))
    }

    /// Damage that appears while the daemon runs: the open check passed, then a write meets
    /// damaged pages (SQLITE_CORRUPT). The log recovers in place and the read is not lost.
    @Test func aWriteThatMeetsDamageRecoversAndKeepsTheRead() async throws {
        let dir = try usageTempDir()
        let path = dir.appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        let now = Date()
        try store.applySync(
            [.readerSeen(sampleReader, at: now)]
                + (0..<600).map { .read(event(at: now.addingTimeInterval(-Double($0) * 300), reader: sampleReader.id)) }
        )
        try store.checkpoint()
        // Every page of the raw events and the daily roll-ups (dbstat is compiled in Debian's SQLite).
        let pages = try await store.pool.read { db in
            try Int.fetchAll(
                db,
                sql: "SELECT pageno FROM dbstat WHERE name IN ('read_events', 'daily_usage', 'read_events_by_time')"
            )
        }
        try store.close()
        #expect(pages.count > 3)

        let logs = CollectedLogs()
        let log = UsageLog(configuration: .init(path: path, facilityID: "TEST-01"), logger: logs.logger())
        await log.readerSeen(sampleReader)  // opens (the check passes) and touches the readers table only
        await log.flush()
        #expect(try damagedFiles(in: dir.path).isEmpty)

        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        for page in pages {
            try file.seek(toOffset: UInt64((page - 1) * UsageDamage.pageSize))
            try file.write(contentsOf: Data(repeating: 0x55, count: UsageDamage.pageSize))
        }
        try file.close()

        await log.readFinished(event(at: Date(), reader: sampleReader.id))
        await log.flush()
        #expect(await log.lostEvents == 0, "the read that met the damage is stored in the fresh file")
        let report = await log.summary()
        let d = try #require(report.usageLogDamage)
        #expect(d.recoveries == 1)
        let reads = report.readers.first { $0.id == sampleReader.id }?.usage.last30Days.reads
        #expect(reads == d.salvagedEvents + 1)
        #expect(try damagedFiles(in: dir.path).contains(d.movedTo))
        #expect(logs.all.filter { $0.level == .error }.contains { $0.text.contains("usage database was damaged") })
    }

    @Test func aSoundUsageLogIsLeftAlone() async throws {
        let dir = try usageTempDir()
        let path = dir.appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        try store.applySync([.readerSeen(sampleReader, at: Date()), .read(event(reader: sampleReader.id))])
        try store.close()
        #expect(!UsageDatabaseRecovery.isDamaged(path: path))
        let log = UsageLog(configuration: .init(path: path))
        let report = await log.summary()
        #expect(report.usageLogDamage == nil)
        #expect(try damagedFiles(in: dir.path).isEmpty)
        let metrics = MetricsTextfileWriter.render(await log.metricsSnapshot(), lostEvents: 0, pcscUp: true)
        #expect(metrics.contains("cancuoc_usage_log_recoveries_total 0"))
        #expect(!metrics.contains("cancuoc_usage_log_damaged_timestamp_seconds"))
    }

    /// A second recovery of the same log counts on from the first (the count is salvaged too).
    @Test func recoveriesAreCountedAcrossFiles() async throws {
        let dir = try usageTempDir()
        let path = dir.appendingPathComponent("usage.sqlite").path
        try UsageDamage.make(.eventPage, at: path, reader: sampleReader)
        let first = try UsageDatabaseRecovery.recover(path: path, now: Date(timeIntervalSinceNow: -60))
        // Damage the rebuilt file again (its schema kept): the count goes on.
        let store = try UsageStore(path: path)
        try store.checkpoint()
        try store.close()
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try file.seek(toOffset: UInt64(UsageDamage.pageSize * 6))
        try file.write(contentsOf: Data(repeating: 0x55, count: UsageDamage.pageSize))
        try file.close()
        let second = try UsageDatabaseRecovery.recover(path: path)
        #expect(first.recoveries == 1)
        #expect(second.recoveries == 2)
        #expect(try damagedFiles(in: dir.path).filter { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }.count == 2)
    }
}
