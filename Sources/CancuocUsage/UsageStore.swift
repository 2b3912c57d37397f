import Foundation
import GRDB

/// The per-reader usage log on disk: SQLite in WAL mode under the daemon's state directory
/// (default `/var/lib/cancuoc/usage.sqlite`). Raw read events are kept `retentionDays`
/// (default 90); daily roll-ups are kept for years, so the file stays small. Holds no
/// personal data: see `ReadEvent` and docs/inventory.md.
public final class UsageStore: Sendable {
    public static let defaultPath = "/var/lib/cancuoc/usage.sqlite"
    public static let defaultRetentionDays = 90
    /// The clinic report looks back 30 days, so raw events are never pruned sooner.
    public static let minimumRetentionDays = 31

    public let path: String
    package let pool: DatabasePool
    /// Page cache per connection, KiB, and reader connections: at most 3 × 512 KiB of cache.
    static let cacheKiB = 512
    static let maximumReaders = 2

    /// Opens (creating the file and its directory when missing) and migrates the store.
    public convenience init(path: String = UsageStore.defaultPath) throws {
        try self.init(path: path, migrator: UsageStore.migrator)
    }

    /// The same with a given migrator (tests: the schema of an older cancuoc).
    init(path: String, migrator: DatabaseMigrator) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.label = "cancuoc.usage"
        // Bounded memory over months (docs/troubleshooting.md): SQLite's page cache is per connection (2 MiB
        // each by default, filled as the file grows); the daemon needs one writer and two readers.
        config.maximumReaderCount = Self.maximumReaders
        config.prepareDatabase { db in
            // FULL: a committed event survives power loss, not only a killed process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try migrator.migrate(pool)
    }

    /// Opens an existing store for reading only (`cancuoc inventory` run by a user who may
    /// read the daemon's state directory but not write it). No migration is run.
    public init(readingOnly path: String) throws {
        self.path = path
        var config = Configuration()
        config.readonly = true
        config.label = "cancuoc.usage"
        pool = try DatabasePool(path: path, configuration: config)
        let applied = try pool.read { db in try UsageStore.migrator.hasCompletedMigrations(db) }
        guard applied else { throw SchemaError.olderSchema(path) }
    }

    public enum SchemaError: Error, Sendable, CustomStringConvertible {
        /// Written by an older cancuoc: open it once read-write (or start the daemon) to migrate.
        case olderSchema(String)
        public var description: String {
            switch self {
            case .olderSchema(let p):
                return "\(p) has an older schema: start cancuocd (or run as its user) to migrate it"
            }
        }
    }

    /// A new daemon run: presence is re-established by the readers it announces.
    public func markAllReadersAbsent() throws {
        try pool.write { db in try db.execute(sql: "UPDATE readers SET present = 0") }
    }

    /// Facility id and name from the daemon configuration, kept with the data so that the
    /// report printed from the file alone says where it comes from.
    public func setFacility(id: String?, name: String?) throws {
        try pool.write { db in
            try Self.setSetting(db, "facility.id", id)
            try Self.setSetting(db, "facility.name", name)
        }
    }

    public func setRetention(days: Int) throws {
        let days = max(Self.minimumRetentionDays, days)
        try pool.write { db in try Self.setSetting(db, "retention.days", String(days)) }
    }

    public func retentionDays() throws -> Int {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'retention.days'")
                .flatMap(Int.init) ?? Self.defaultRetentionDays
        }
    }

    public func facility() throws -> (id: String?, name: String?) {
        try pool.read { db in
            (try Self.setting(db, "facility.id"), try Self.setting(db, "facility.name"))
        }
    }

    static func setSetting(_ db: Database, _ key: String, _ value: String?) throws {
        if let value {
            try db.execute(
                sql:
                    "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value]
            )
        } else {
            try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
        }
    }

    static func setting(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key])
    }

    /// Checkpoints the WAL into the main file (tests, and before copying the file).
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }
}

extension UsageStore {
    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
