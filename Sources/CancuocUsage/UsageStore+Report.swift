import CardService
import Foundation
import GRDB

extension UsageStore {
    /// This clinic's report as of `now`, from the raw events of the last 30 days and the
    /// readers table. `lostEvents` comes from the running daemon (0 for the command line).
    public func report(now: Date = Date(), lostEvents: Int = 0) throws -> InventoryReport {
        let t = now.timeIntervalSince1970
        let since30 = t - 30 * 86_400
        let since7 = t - 7 * 86_400
        let since1 = t - 86_400
        return try pool.read { db in
            let facility = InventoryReport.Facility(
                id: try Self.setting(db, "facility.id"),
                name: try Self.setting(db, "facility.name")
            )
            let retention = try Self.setting(db, "retention.days").flatMap(Int.init) ?? Self.defaultRetentionDays
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM readers ORDER BY id")
            var readers: [InventoryReport.Reader] = []
            var all: [EventRow] = []
            for row in rows {
                let id: String = row["id"]
                let events = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT time, outcome, duration_ms FROM read_events
                        WHERE reader_id = ? AND time >= ? AND time <= ?
                        """,
                    arguments: [id, since30, t]
                ).map {
                    EventRow(time: $0["time"], outcome: $0["outcome"], durationMs: $0["duration_ms"])
                }
                all += events
                readers.append(
                    InventoryReport.Reader(
                        id: id,
                        name: row["name"],
                        vid: row["vid"],
                        pid: row["pid"],
                        vendor: row["vendor"],
                        product: row["product"],
                        serial: row["serial"],
                        firmware: row["firmware"],
                        present: row["present"] as Bool,
                        firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
                        lastSeen: Date(timeIntervalSince1970: row["last_seen"]),
                        lastUsed: (row["last_used"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        lastOK: (row["last_ok"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        usage: Self.usage(events, since1: since1, since7: since7)
                    )
                )
            }
            var report = InventoryReport(
                format: InventoryReport.currentFormat,
                facility: facility,
                generatedAt: now,
                software: "cancuoc \(Product.version)",
                retentionDays: retention,
                lostEvents: lostEvents,
                readers: readers,
                totals: Self.usage(all, since1: since1, since7: since7),
                usageLogDamage: try UsageDatabaseRecovery.damage(in: db)
            )
            try Self.addFaceChecks(to: &report, since: since30, until: t, in: db)
            return report
        }
    }

    struct EventRow {
        var time: Double
        var outcome: String
        var durationMs: Int
    }

    static func usage(_ events: [EventRow], since1: Double, since7: Double) -> InventoryReport.Usage {
        func window(_ e: [EventRow]) -> InventoryReport.Window {
            .init(reads: e.count, ok: e.filter { $0.outcome == "ok" }.count)
        }
        var outcomes: [String: Int] = [:]
        for e in events { outcomes[e.outcome, default: 0] += 1 }
        return .init(
            lastDay: window(events.filter { $0.time >= since1 }),
            last7Days: window(events.filter { $0.time >= since7 }),
            last30Days: window(events),
            medianReadMs: median(events.filter { $0.outcome == "ok" }.map(\.durationMs)),
            outcomes30Days: outcomes
        )
    }

    /// The middle value (the lower of the two middle values for an even count).
    static func median(_ values: [Int]) -> Int? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }

    /// Every stored raw event count and roll-up total (tests and `usage-stress`).
    public func counts() throws -> UsageCounts {
        try pool.read { db in
            UsageCounts(
                events: try Int.fetchOne(db, sql: "SELECT count(*) FROM read_events") ?? 0,
                rolledUp: try Int.fetchOne(db, sql: "SELECT coalesce(sum(reads), 0) FROM daily_usage") ?? 0,
                readers: try Int.fetchOne(db, sql: "SELECT count(*) FROM readers") ?? 0
            )
        }
    }

    /// Raw event ids in order (the crash test checks every committed one is there).
    public func eventIDs() throws -> [Int64] {
        try pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM read_events ORDER BY id") }
    }
}

/// Row counts of the store: raw events, events summed over the daily roll-ups, readers.
public struct UsageCounts: Sendable, Equatable, CustomStringConvertible {
    public var events: Int
    public var rolledUp: Int
    public var readers: Int
    public init(events: Int, rolledUp: Int, readers: Int) {
        self.events = events
        self.rolledUp = rolledUp
        self.readers = readers
    }
    public var description: String { "events \(events), rolled up \(rolledUp), readers \(readers)" }
}
