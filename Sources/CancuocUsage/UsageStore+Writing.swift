import Foundation
import GRDB

extension UsageStore {
    /// One queued change. `UsageLog` batches these into one transaction.
    public enum Change: Sendable, Hashable {
        case readerSeen(ReaderUsageInfo, at: Date)
        case readerGone(id: String, at: Date)
        case read(ReadEvent)
        case faceCheck(FaceCheckEvent)
    }

    /// Applies the changes in one transaction: all of them or none.
    public func apply(_ changes: [Change], facilityID: String? = nil) async throws {
        try await pool.write { db in
            for change in changes { try Self.apply(change, facilityID: facilityID, in: db) }
        }
    }

    /// The same, blocking (the stress helper and tests).
    public func applySync(_ changes: [Change], facilityID: String? = nil) throws {
        try pool.write { db in
            for change in changes { try Self.apply(change, facilityID: facilityID, in: db) }
        }
    }

    static func apply(_ change: Change, facilityID: String?, in db: Database) throws {
        switch change {
        case let .readerSeen(r, at):
            let t = at.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO readers (id, name, vid, pid, vendor, product, serial, firmware, facility_id,
                                         first_seen, last_seen, present)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                        vid = coalesce(excluded.vid, vid), pid = coalesce(excluded.pid, pid),
                        vendor = coalesce(excluded.vendor, vendor), product = coalesce(excluded.product, product),
                        serial = coalesce(excluded.serial, serial), firmware = coalesce(excluded.firmware, firmware),
                        facility_id = coalesce(excluded.facility_id, facility_id),
                        last_seen = max(last_seen, excluded.last_seen), present = 1
                    """,
                arguments: [
                    r.id, r.name, r.vid, r.pid, r.vendor, r.product, r.serial, r.firmware,
                    facilityID, t, t,
                ]
            )
        case let .readerGone(id, at):
            try db.execute(
                sql: "UPDATE readers SET present = 0, last_seen = max(last_seen, ?) WHERE id = ?",
                arguments: [at.timeIntervalSince1970, id]
            )
        case let .faceCheck(e):
            try apply(e, facilityID: facilityID, in: db)
        case let .read(e):
            let t = e.time.timeIntervalSince1970
            try db.execute(
                sql: """
                    INSERT INTO readers (id, name, facility_id, first_seen, last_seen, present) VALUES (?, ?, ?, ?, ?, 1)
                    ON CONFLICT(id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
                    """,
                arguments: [e.readerID, e.readerID, facilityID, t, t]
            )
            try db.execute(
                sql: """
                    UPDATE readers SET last_used = max(coalesce(last_used, 0), ?),
                        last_ok = CASE WHEN ? THEN max(coalesce(last_ok, 0), ?) ELSE last_ok END
                    WHERE id = ?
                    """,
                arguments: [t, e.isOK, t, e.readerID]
            )
            try db.execute(
                sql: """
                    INSERT INTO read_events (reader_id, time, outcome, access, verification, duration_ms, apdus, bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    e.readerID, t, e.outcome.rawValue, e.access?.rawValue, e.verification?.rawValue, e.durationMs,
                    e.apdus, e.bytes,
                ]
            )
            let bucket = bucketColumn(durationMs: e.durationMs)
            try db.execute(
                sql: """
                    INSERT INTO daily_usage (day, reader_id, outcome, reads, total_ms, apdus, bytes, \(bucket))
                    VALUES (?, ?, ?, 1, ?, ?, ?, 1)
                    ON CONFLICT(day, reader_id, outcome) DO UPDATE SET reads = reads + 1,
                        total_ms = total_ms + excluded.total_ms, apdus = apdus + excluded.apdus,
                        bytes = bytes + excluded.bytes, \(bucket) = \(bucket) + 1
                    """,
                arguments: [dayString(e.time), e.readerID, e.outcome.rawValue, e.durationMs, e.apdus, e.bytes]
            )
        }
    }

    /// Deletes raw events (reads and face checks) older than the retention; daily roll-ups stay.
    /// Returns the number of read events deleted.
    @discardableResult
    public func prune(now: Date = Date()) throws -> Int {
        let days = max(Self.minimumRetentionDays, try retentionDays())
        let cutoff = now.timeIntervalSince1970 - Double(days) * 86_400
        return try pool.write { db in
            try db.execute(sql: "DELETE FROM read_events WHERE time < ?", arguments: [cutoff])
            let events = db.changesCount
            _ = try Self.pruneFaceChecks(before: cutoff, in: db)
            return events
        }
    }

    /// `YYYY-MM-DD` in UTC: the roll-up's day.
    static func dayString(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? cal.timeZone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        let y = c.year ?? 1970
        let m = c.month ?? 1
        let d = c.day ?? 1
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}
