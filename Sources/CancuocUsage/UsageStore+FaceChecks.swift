import Foundation
import GRDB

/// Face checks in the usage log (schema version 2): per reader, when, and the decision
/// (`FaceCheckEvent`), raw for the report's 30 days and rolled up per day for the counters
/// that never go down. The tables hold reader ids, times, decision names and counts only.
extension UsageStore {
    static func createFaceCheckTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE face_check_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    reader_id TEXT NOT NULL,
                    time REAL NOT NULL,
                    decision TEXT NOT NULL
                );
                CREATE INDEX face_check_events_by_time ON face_check_events(time);
                CREATE TABLE daily_face_checks (
                    day TEXT NOT NULL,
                    reader_id TEXT NOT NULL,
                    decision TEXT NOT NULL,
                    checks INTEGER NOT NULL,
                    PRIMARY KEY (day, reader_id, decision)
                );
                """
        )
    }

    static func apply(_ e: FaceCheckEvent, facilityID: String?, in db: Database) throws {
        let t = e.time.timeIntervalSince1970
        // A check follows a read on that reader, so the reader is known; should it not be
        // (a file restored meanwhile), it is listed rather than the check lost.
        try db.execute(
            sql: """
                INSERT INTO readers (id, name, facility_id, first_seen, last_seen, present) VALUES (?, ?, ?, ?, ?, 1)
                ON CONFLICT(id) DO NOTHING
                """,
            arguments: [e.readerID, e.readerID, facilityID, t, t]
        )
        try db.execute(
            sql: "INSERT INTO face_check_events (reader_id, time, decision) VALUES (?, ?, ?)",
            arguments: [e.readerID, t, e.decision.rawValue]
        )
        try db.execute(
            sql: """
                INSERT INTO daily_face_checks (day, reader_id, decision, checks) VALUES (?, ?, ?, 1)
                ON CONFLICT(day, reader_id, decision) DO UPDATE SET checks = checks + 1
                """,
            arguments: [dayString(e.time), e.readerID, e.decision.rawValue]
        )
    }

    /// Raw face checks older than `cutoff` (Unix time) go with the raw read events.
    static func pruneFaceChecks(before cutoff: Double, in db: Database) throws -> Int {
        try db.execute(sql: "DELETE FROM face_check_events WHERE time < ?", arguments: [cutoff])
        return db.changesCount
    }

    /// Reader id → decision → checks in `since...until` (Unix times), from the raw events.
    static func faceChecks(since: Double, until: Double, in db: Database) throws -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT reader_id, decision, count(*) AS n FROM face_check_events
                WHERE time >= ? AND time <= ? GROUP BY reader_id, decision
                """,
            arguments: [since, until]
        ) {
            result[row["reader_id"], default: [:]][FaceCheckEvent.stored(row["decision"]), default: 0] += row["n"]
        }
        return result
    }

    /// Every face check since the file was created, per reader and decision (the counters).
    static func faceCheckTotals(in db: Database) throws -> [UsageMetricsSnapshot.ReaderDecision: Int] {
        var result: [UsageMetricsSnapshot.ReaderDecision: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT reader_id, decision, sum(checks) AS n FROM daily_face_checks GROUP BY reader_id, decision"
        ) {
            let key = UsageMetricsSnapshot.ReaderDecision(
                readerID: row["reader_id"],
                decision: FaceCheckEvent.stored(row["decision"])
            )
            result[key, default: 0] += row["n"]
        }
        return result
    }

    /// Raw face checks and their roll-up total (tests).
    public func faceCheckCounts() throws -> (events: Int, rolledUp: Int) {
        try pool.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM face_check_events") ?? 0,
                try Int.fetchOne(db, sql: "SELECT coalesce(sum(checks), 0) FROM daily_face_checks") ?? 0
            )
        }
    }
}
