import CancuocUsage
import Foundation
import GRDB

/// The damage a power cut (or a careless copy) leaves in a usage database (docs/troubleshooting.md).
enum UsageDamage: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The 100-byte header kept, the rest of page 1 (the schema) and page 4 overwritten.
    case pages
    /// A raw-event page overwritten, the schema intact: most events can be salvaged.
    case eventPage
    /// Cut to two fifths of its length, not on a page boundary.
    case truncated
    /// The same length of zeros.
    case zeros
    /// The WAL of another database laid beside it.
    case foreignWAL

    var description: String { rawValue }

    static let pageSize = 4096

    /// Writes a sound store with `events` reads on `reader` (the last few days) at `path`,
    /// closes it, then damages it.
    static func make(_ kind: UsageDamage, at path: String, events: Int = 600, reader: ReaderUsageInfo) throws {
        let store = try UsageStore(path: path)
        try store.setFacility(id: "TEST-01", name: "Trạm y tế thử")
        let now = Date()
        let reads: [UsageStore.Change] = (0..<events).map {
            .read(event(at: now.addingTimeInterval(-Double($0) * 300), reader: reader.id))
        }
        try store.applySync([.readerSeen(reader, at: now)] + reads)
        try store.checkpoint()
        let eventPage = try store.pool.read { db in
            // A leaf page of read_events in the middle of the table (dbstat is compiled in Debian's SQLite).
            try Int.fetchOne(
                db,
                sql: """
                    SELECT pageno FROM dbstat WHERE name = 'read_events' AND pagetype = 'leaf'
                    ORDER BY pageno LIMIT 1 OFFSET 3
                    """
            )
        }
        try store.close()
        let size = try Data(contentsOf: URL(fileURLWithPath: path)).count
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? file.close() }
        switch kind {
        case .pages:
            try file.seek(toOffset: 100)
            try file.write(contentsOf: Data(repeating: 0xAA, count: pageSize - 100))
            try file.seek(toOffset: UInt64(3 * pageSize))
            try file.write(contentsOf: Data(repeating: 0x55, count: pageSize))
        case .eventPage:
            guard let page = eventPage else { throw NoEventPage() }
            try file.seek(toOffset: UInt64((page - 1) * pageSize))
            try file.write(contentsOf: Data(repeating: 0x55, count: pageSize))
        case .truncated:
            try file.truncate(atOffset: UInt64(size * 2 / 5 - 1000))
        case .zeros:
            try file.seek(toOffset: 0)
            try file.write(contentsOf: Data(count: size))
        case .foreignWAL:
            let other = path + ".other"
            let pool = try DatabasePool(path: other)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
                try db.execute(sql: "CREATE TABLE notes (text TEXT)")
                for _ in 0..<50 {
                    try db.execute(sql: "INSERT INTO notes VALUES (?)", arguments: [String(repeating: "n", count: 400)])
                }
            }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try FileManager.default.copyItem(atPath: other + "-wal", toPath: path + "-wal")
            try pool.close()
        }
    }

    struct NoEventPage: Error {}
}

/// The files moved aside in `directory` (never deleted by the daemon).
func damagedFiles(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".damaged-") }.sorted()
}
