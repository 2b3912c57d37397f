import Foundation
import GRDB

/// A damaged usage database put right (docs/troubleshooting.md): a power cut on cheap storage leaves pages
/// that SQLite reports as `SQLITE_CORRUPT` or `SQLITE_NOTADB`. The damaged file (with its
/// `-wal` and `-shm`) is moved aside under a name with the time and never deleted by us;
/// what SQLite can still read is copied into a fresh database, and counting goes on.
///
/// Salvage uses SQLite, never our own page parsing:
/// 1. the sqlite3 tool's `.recover` (Debian's `sqlite3` package, a Recommends) into a scratch
///    database, when that works. It needs the `sqlite_dbpage` virtual table, which Debian's
///    and Ubuntu's libsqlite3 are built without (`.recover` then fails with "SQL logic
///    error"), and libsqlite3 does not export the recovery API (`sqlite3_recover_*` lives in
///    the shell's sources only), so on Debian 12 and 13 this step usually fails and we say so;
/// 2. otherwise the damaged copy itself, read through SQLite's b-tree code table by table,
///    raw events by rowid ranges so that one bad page loses only its own rows.
public enum UsageDatabaseRecovery {
    /// The last recovery, kept in the fresh database's `settings`.
    public struct Damage: Codable, Sendable, Equatable {
        /// When the damage was found and the file moved aside.
        public var detectedAt: Date
        /// Raw read events copied from the damaged file into the fresh one.
        public var salvagedEvents: Int
        /// Recoveries since the usage log was first created (carried from file to file).
        public var recoveries: Int
        /// The damaged file's name beside the new one (kept for a technician).
        public var movedTo: String

        public init(detectedAt: Date, salvagedEvents: Int, recoveries: Int, movedTo: String) {
            self.detectedAt = detectedAt
            self.salvagedEvents = salvagedEvents
            self.recoveries = recoveries
            self.movedTo = movedTo
        }
    }

    /// The sqlite3 tool used for `.recover` (tests may point elsewhere).
    public static let sqlite3Tool = "/usr/bin/sqlite3"

    /// `SQLITE_CORRUPT` or `SQLITE_NOTADB` (any extended code of either): the file is damaged.
    /// Full disks, read-only files and locks are not damage and are never "recovered".
    public static func isDamage(_ error: any Error) -> Bool {
        if error is Damaged { return true }
        guard let e = error as? DatabaseError else { return false }
        let code = e.resultCode.primaryResultCode
        return code == .SQLITE_CORRUPT || code == .SQLITE_NOTADB
    }

    /// `PRAGMA quick_check` did not answer "ok".
    public struct Damaged: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the usage database failed SQLite's quick check" }
    }

    /// True when the file at `path` is damaged: SQLite says so (`SQLITE_CORRUPT`,
    /// `SQLITE_NOTADB`, a failing quick check), or it holds tables but not ours (a `-wal` of
    /// another database laid over it). Opened read-only, so nothing is written into it (a
    /// read-write connection would checkpoint a foreign WAL into the file on closing). Any
    /// other failure (missing, unreadable, locked) is not damage: the normal open reports it.
    public static func isDamaged(path: String) -> Bool {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 else {
            return false
        }
        var config = Configuration()
        config.readonly = true
        config.label = "cancuoc.usage.check"
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try String.fetchOne(db, sql: "PRAGMA quick_check") == "ok" else { return true }
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                return !tables.isEmpty && !tables.contains("read_events")
            }
        } catch {
            return isDamage(error)
        }
    }

    /// Moves the damaged store at `path` aside, salvages what SQLite can read into a fresh
    /// store at `path`, and records the event there. Blocking (file moves, a child process).
    public static func recover(path: String, now: Date = Date(), sqlite3: String = sqlite3Tool) throws -> Damage {
        let fm = FileManager.default
        let aside = try moveAside(path, now: now)
        let scratch = (path as NSString).deletingLastPathComponent + "/.usage-salvage-\(UUID().uuidString.prefix(8))"
        try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: scratch) }
        // Work on copies: opening the kept file could replay or checkpoint its WAL into it.
        // The main file is also read without its WAL: a WAL of another database hides it.
        let copy = scratch + "/damaged.sqlite"
        let alone = scratch + "/without-wal.sqlite"
        for suffix in ["", "-wal"] where fm.fileExists(atPath: aside + suffix) {
            try fm.copyItem(atPath: aside + suffix, toPath: copy + suffix)
        }
        try fm.copyItem(atPath: aside, toPath: alone)
        var sources = [copy, alone]
        let recovered = scratch + "/recovered.sqlite"
        if (try? runRecover(sqlite3: sqlite3, from: copy, into: recovered)) == true { sources.insert(recovered, at: 0) }
        let salvage = sources.map(Salvage.read(from:)).max { $0.events.count < $1.events.count } ?? Salvage()

        let store = try UsageStore(path: path)
        defer { try? store.close() }
        let damage = Damage(
            detectedAt: now,
            salvagedEvents: 0,
            recoveries: (salvage.settings["usage.recoveries"].flatMap(Int.init) ?? 0) + 1,
            movedTo: (aside as NSString).lastPathComponent
        )
        return try store.pool.write { db in
            var d = damage
            d.salvagedEvents = try salvage.write(into: db)
            try record(d, in: db)
            return d
        }
    }

    /// `usage.sqlite` → `usage.sqlite.damaged-20260412T031500Z` (and its `-wal`, `-shm`).
    static func moveAside(_ path: String, now: Date) throws -> String {
        let fm = FileManager.default
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var aside = "\(path).damaged-\(f.string(from: now))"
        var n = 1
        while fm.fileExists(atPath: aside) {
            n += 1
            aside = "\(path).damaged-\(f.string(from: now))-\(n)"
        }
        try fm.moveItem(atPath: path, toPath: aside)
        for suffix in ["-wal", "-shm", "-journal"] where fm.fileExists(atPath: path + suffix) {
            try fm.moveItem(atPath: path + suffix, toPath: aside + suffix)
        }
        return aside
    }

    /// `sqlite3 damaged .recover | sqlite3 recovered`; true only when both ended well (a
    /// partial script from a failing `.recover` is never used).
    static func runRecover(sqlite3: String, from damaged: String, into recovered: String) throws -> Bool {
        guard FileManager.default.isExecutableFile(atPath: sqlite3) else { return false }
        let dump = Process()
        dump.executableURL = URL(fileURLWithPath: sqlite3)
        dump.arguments = [damaged, ".recover"]
        let load = Process()
        load.executableURL = URL(fileURLWithPath: sqlite3)
        load.arguments = ["-bail", recovered]
        let pipe = Pipe()
        dump.standardOutput = pipe
        dump.standardError = FileHandle.nullDevice
        load.standardInput = pipe
        load.standardOutput = FileHandle.nullDevice
        load.standardError = FileHandle.nullDevice
        try load.run()
        try dump.run()
        dump.waitUntilExit()
        load.waitUntilExit()
        return dump.terminationStatus == 0 && load.terminationStatus == 0
    }

    static func record(_ d: Damage, in db: Database) throws {
        try UsageStore.setSetting(db, "usage.damaged_at", String(d.detectedAt.timeIntervalSince1970))
        try UsageStore.setSetting(db, "usage.salvaged_events", String(d.salvagedEvents))
        try UsageStore.setSetting(db, "usage.recoveries", String(d.recoveries))
        try UsageStore.setSetting(db, "usage.damaged_file", d.movedTo)
    }

    /// The last recovery recorded in this store, if any.
    static func damage(in db: Database) throws -> Damage? {
        guard let at = try UsageStore.setting(db, "usage.damaged_at").flatMap(Double.init) else { return nil }
        return Damage(
            detectedAt: Date(timeIntervalSince1970: at),
            salvagedEvents: try UsageStore.setting(db, "usage.salvaged_events").flatMap(Int.init) ?? 0,
            recoveries: try UsageStore.setting(db, "usage.recoveries").flatMap(Int.init) ?? 1,
            movedTo: try UsageStore.setting(db, "usage.damaged_file") ?? ""
        )
    }
}

/// The rows SQLite could still read from a damaged (or `.recover`ed) usage database.
struct Salvage {
    var settings: [String: String] = [:]
    var readers: [Row] = []
    var events: [Row] = []
    var daily: [Row] = []
    /// Face checks (schema 2; none from an older file): the daily counts and the raw events.
    var faceDaily: [Row] = []
    var faceEvents: [Row] = []

    static let faceDailyColumns = "day, reader_id, decision, checks"
    static let faceEventColumns = "id, reader_id, time, decision"
    static let readerColumns =
        "id, name, vid, pid, vendor, product, serial, firmware, facility_id, first_seen, last_seen, present, last_used, last_ok"
    static let eventColumns = "id, reader_id, time, outcome, access, verification, duration_ms, apdus, bytes"
    static let dailyColumns = "day, reader_id, outcome, reads, total_ms, apdus, bytes, b0, b1, b2, b3, b4, b5, b6, b7"

    /// Everything readable; never throws (an unreadable file salvages nothing).
    static func read(from path: String) -> Salvage {
        var s = Salvage()
        var config = Configuration()
        config.label = "cancuoc.usage.salvage"
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return s }
        defer { try? queue.close() }
        queue.inDatabase { db in
            for row in Self.scan(db, "SELECT key, value FROM settings") {
                if let k = row[0] as String?, let v = row[1] as String? { s.settings[k] = v }
            }
            s.readers = Self.scan(db, "SELECT \(readerColumns) FROM readers")
            s.daily = Self.scan(db, "SELECT \(dailyColumns) FROM daily_usage")
            s.events = Self.events(db)
            s.faceDaily = Self.scan(db, "SELECT \(faceDailyColumns) FROM daily_face_checks")
            s.faceEvents = Self.scan(db, "SELECT \(faceEventColumns) FROM face_check_events")
        }
        return s
    }

    /// Rows until the first error (a damaged page ends the scan, keeping what came before).
    static func scan(_ db: Database, _ sql: String) -> [Row] {
        var rows: [Row] = []
        guard let cursor = try? Row.fetchCursor(db, sql: sql) else { return rows }
        while true {
            guard let row = try? cursor.next() else { break }
            rows.append(row.copy())
        }
        return rows
    }

    /// Raw events by rowid ranges: a damaged page fails its range only; the walk then skips
    /// ahead (doubling) until rows come again, up to the largest id SQLite still knows.
    static func events(_ db: Database) -> [Row] {
        var out: [Row] = []
        // The larger of what AUTOINCREMENT recorded and what the table's last page says; either may be unreadable.
        let maxID = max(
            (try? Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'read_events'")).flatMap { $0 }
                ?? 0,
            (try? Int64.fetchOne(db, sql: "SELECT max(id) FROM read_events")).flatMap { $0 } ?? 0
        )
        var next: Int64 = 1
        var skip: Int64 = 1
        // A damaged sqlite_sequence may claim any maximum: stop after 40 failing ranges in a
        // row (the steps double to 2^20, so that still skips past about 20 million ids).
        var failuresInARow = 0
        while next <= maxID, failuresInARow < 40 {
            let sql = "SELECT \(eventColumns) FROM read_events WHERE id >= ? ORDER BY id LIMIT 256"
            var batch: [Row] = []
            var failed = false
            if let cursor = try? Row.fetchCursor(db, sql: sql, arguments: [next]) {
                while true {
                    do {
                        guard let row = try cursor.next() else { break }
                        batch.append(row.copy())
                    } catch {
                        failed = true
                        break
                    }
                }
            } else {
                failed = true
            }
            out += batch
            if let last = batch.last?["id"] as Int64? {
                guard last < maxID else { break }
                next = last + 1
                skip = 1
                failuresInARow = 0
            } else if failed {
                failuresInARow += 1
                guard next <= maxID - skip else { break }
                next += skip
                skip = min(skip * 2, 1 << 20)
            } else {
                break
            }
        }
        return out
    }

    /// Copies the rows into the fresh store (rows that break its constraints are left out);
    /// returns the raw events copied.
    func write(into db: Database) throws -> Int {
        for key in ["facility.id", "facility.name", "retention.days"] {
            if let v = settings[key] { try UsageStore.setSetting(db, key, v) }
        }
        func insert(_ table: String, _ columns: String, _ rows: [Row]) -> Int {
            let marks = Array(repeating: "?", count: columns.split(separator: ",").count).joined(separator: ", ")
            var n = 0
            for row in rows {
                let args = StatementArguments(row.databaseValues)
                do {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO \(table) (\(columns)) VALUES (\(marks))",
                        arguments: args
                    )
                    n += db.changesCount
                } catch {
                    continue
                }
            }
            return n
        }
        _ = insert("readers", Self.readerColumns, readers)
        _ = insert("daily_usage", Self.dailyColumns, daily)
        _ = insert("daily_face_checks", Self.faceDailyColumns, faceDaily)
        _ = insert("face_check_events", Self.faceEventColumns, faceEvents)
        return insert("read_events", Self.eventColumns, events)
    }
}

extension UsageStore {
    /// `PRAGMA quick_check` (every page's structure, without matching indexes to tables).
    public func quickCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "" }
    }

    /// Closes the file (before it is moved aside); the store is unusable afterwards.
    public func close() throws { try pool.close() }

    /// The last recovery recorded in this store (the report and the metrics).
    public func lastDamage() throws -> UsageDatabaseRecovery.Damage? {
        try pool.read { db in try UsageDatabaseRecovery.damage(in: db) }
    }
}

extension UsageDatabaseRecovery.Damage {
    /// For the report: what happened, when, and what was kept (Vietnamese, then English).
    public var sentence: String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let when = f.string(from: detectedAt)
        return
            "⚠ Nhật ký sử dụng bị hỏng lúc \(when), đã cứu \(salvagedEvents) sự kiện (tệp hỏng giữ lại: \(movedTo)) / "
            + "Usage log damaged on \(when), \(salvagedEvents) events salvaged (damaged file kept as \(movedTo))"
    }
}

extension UsageMetricsSnapshot {
    /// The recovery samples (docs/inventory.md, "Metrics"): the counter always, the last
    /// damage's time and salvage once there was one.
    func renderDamage(into p: inout PrometheusText) {
        typealias M = InventoryMetric
        p.family(M.usageLogRecoveries, type: "counter", help: "Damaged usage databases moved aside and rebuilt.")
        p.sample(M.usageLogRecoveries, [], Double(damage?.recoveries ?? 0))
        guard let d = damage else { return }
        p.family(M.usageLogDamaged, type: "gauge", help: "Unix time the usage database was last found damaged.")
        p.sample(M.usageLogDamaged, [], d.detectedAt.timeIntervalSince1970.rounded())
        p.family(M.usageLogSalvaged, type: "gauge", help: "Read events salvaged from the last damaged usage database.")
        p.sample(M.usageLogSalvaged, [], Double(d.salvagedEvents))
    }
}
