import GRDB

extension UsageStore {
    /// Read-duration histogram bounds in seconds (`cancuoc_read_duration_seconds`); the
    /// daily roll-up keeps one count per bucket, the last one being +Inf.
    public static let durationBuckets: [Double] = [0.1, 0.25, 0.5, 1, 2, 5, 10]

    /// The schema's versions, one GRDB migration each, applied in place when the daemon (or
    /// `cancuoc inventory` as root) opens the file. A migration only adds: an older cancuoc
    /// (a downgraded package) opens a newer file, skips what it does not know and keeps counting
    /// (CancuocUsageTests, UsageSchemaVersions).
    /// 1: readers, read events, daily roll-ups. 2: face checks (`UsageStore+FaceChecks`).
    static let schemaVersion = 2

    static var migrator: DatabaseMigrator { migrator(through: schemaVersion) }

    /// The migrator of a cancuoc whose schema stops at `version` (tests open a file the way an
    /// older package does).
    static func migrator(through version: Int) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE readers (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        vid TEXT, pid TEXT, vendor TEXT, product TEXT, serial TEXT, firmware TEXT,
                        facility_id TEXT,
                        first_seen REAL NOT NULL,
                        last_seen REAL NOT NULL,
                        present INTEGER NOT NULL DEFAULT 0,
                        last_used REAL,
                        last_ok REAL
                    );
                    CREATE TABLE read_events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reader_id TEXT NOT NULL,
                        time REAL NOT NULL,
                        outcome TEXT NOT NULL,
                        access TEXT,
                        verification TEXT,
                        duration_ms INTEGER NOT NULL,
                        apdus INTEGER NOT NULL,
                        bytes INTEGER NOT NULL
                    );
                    CREATE INDEX read_events_by_time ON read_events(time);
                    CREATE INDEX read_events_by_reader ON read_events(reader_id, time);
                    CREATE TABLE daily_usage (
                        day TEXT NOT NULL,
                        reader_id TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        reads INTEGER NOT NULL,
                        total_ms INTEGER NOT NULL,
                        apdus INTEGER NOT NULL,
                        bytes INTEGER NOT NULL,
                        b0 INTEGER NOT NULL DEFAULT 0, b1 INTEGER NOT NULL DEFAULT 0, b2 INTEGER NOT NULL DEFAULT 0,
                        b3 INTEGER NOT NULL DEFAULT 0, b4 INTEGER NOT NULL DEFAULT 0, b5 INTEGER NOT NULL DEFAULT 0,
                        b6 INTEGER NOT NULL DEFAULT 0, b7 INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (day, reader_id, outcome)
                    );
                    """
            )
        }
        if version >= 2 { m.registerMigration("v2") { db in try createFaceCheckTables(db) } }
        return m
    }

    /// The histogram column for a duration (b0 … b7, b7 = above the last bound).
    static func bucketColumn(durationMs: Int) -> String {
        let seconds = Double(durationMs) / 1000
        let index = durationBuckets.firstIndex { seconds <= $0 } ?? durationBuckets.count
        return "b\(index)"
    }
}
