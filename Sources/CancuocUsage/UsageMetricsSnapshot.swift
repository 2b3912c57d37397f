import Foundation
import GRDB

/// What the Prometheus textfile shows, read from the store: per reader its identity, state,
/// times, and totals since the file was created (from the daily roll-ups, so retention never
/// makes a counter go down). Nothing about any card or citizen.
public struct UsageMetricsSnapshot: Sendable, Equatable {
    public struct Reader: Sendable, Equatable {
        public var id: String
        public var name: String
        public var vid: String?
        public var pid: String?
        public var vendor: String?
        public var product: String?
        public var present: Bool
        public var firstSeen: Date
        public var lastSeen: Date
        public var lastUsed: Date?
        public var lastOK: Date?
        /// Non-cumulative counts of successful reads per `UsageStore.durationBuckets` bound, then +Inf.
        public var okDurationBuckets: [Int] = Array(repeating: 0, count: UsageStore.durationBuckets.count + 1)
        public var okDurationSumSeconds: Double = 0

        /// Contact cards only (a signature token): listed, never counted (InventoryReport.Reader.kind).
        public var isContactOnly: Bool {
            InventoryReport.Reader.kind(name: name, vendor: vendor, product: product, readOK: lastOK != nil)
                == .contactOnly
        }

        public init(
            id: String,
            name: String,
            vid: String? = nil,
            pid: String? = nil,
            vendor: String? = nil,
            product: String? = nil,
            present: Bool,
            firstSeen: Date,
            lastSeen: Date,
            lastUsed: Date? = nil,
            lastOK: Date? = nil
        ) {
            self.id = id
            self.name = name
            self.vid = vid
            self.pid = pid
            self.vendor = vendor
            self.product = product
            self.present = present
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.lastUsed = lastUsed
            self.lastOK = lastOK
        }
    }

    /// The facility id of the daemon configuration, if set.
    public var facilityID: String?
    public var readers: [Reader] = []
    /// (reader id, outcome) → reads.
    public var reads: [ReaderOutcome: Int] = [:]
    /// (reader id, face check decision) → checks (`UsageMetricsSnapshot+FaceChecks`).
    public var faceChecks: [ReaderDecision: Int] = [:]
    /// The last rebuild of a damaged usage log (docs/troubleshooting.md), if any.
    public var damage: UsageDatabaseRecovery.Damage?
    /// The trust directory's state (TrustInventory.swift), when the writer knows the directory.
    public var trust: TrustInventory?

    public struct ReaderOutcome: Sendable, Hashable, Comparable {
        public var readerID: String
        public var outcome: String
        public init(readerID: String, outcome: String) {
            self.readerID = readerID
            self.outcome = outcome
        }
        public static func < (a: Self, b: Self) -> Bool {
            (a.readerID, a.outcome) < (b.readerID, b.outcome)
        }
    }

    public init() {}
}

extension UsageStore {
    public func metricsSnapshot() throws -> UsageMetricsSnapshot {
        try pool.read { db in
            var s = UsageMetricsSnapshot()
            s.facilityID = try Self.setting(db, "facility.id")
            s.damage = try UsageDatabaseRecovery.damage(in: db)
            var index: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT id, name, vid, pid, vendor, product, present, first_seen, last_seen, last_used, last_ok
                    FROM readers ORDER BY id
                    """
            ) {
                index[row["id"]] = s.readers.count
                s.readers.append(
                    .init(
                        id: row["id"],
                        name: row["name"],
                        vid: row["vid"],
                        pid: row["pid"],
                        vendor: row["vendor"],
                        product: row["product"],
                        present: row["present"] as Bool,
                        firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
                        lastSeen: Date(timeIntervalSince1970: row["last_seen"]),
                        lastUsed: (row["last_used"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        lastOK: (row["last_ok"] as Double?).map(Date.init(timeIntervalSince1970:))
                    )
                )
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT reader_id, outcome, sum(reads) AS n FROM daily_usage GROUP BY reader_id, outcome
                    """
            ) {
                s.reads[.init(readerID: row["reader_id"], outcome: row["outcome"])] = row["n"]
            }
            let buckets = (0...Self.durationBuckets.count).map { "coalesce(sum(b\($0)), 0)" }.joined(separator: ", ")
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT reader_id, \(buckets), coalesce(sum(total_ms), 0) FROM daily_usage
                    WHERE outcome = 'ok' GROUP BY reader_id
                    """
            ) {
                guard let i = index[row[0]] else { continue }
                for b in 0...Self.durationBuckets.count { s.readers[i].okDurationBuckets[b] = row[b + 1] }
                s.readers[i].okDurationSumSeconds = Double(row[Self.durationBuckets.count + 2] as Int) / 1000
            }
            s.faceChecks = try Self.faceCheckTotals(in: db)
            return s
        }
    }
}
