import Foundation
import GRDB

/// What the Prometheus textfile shows, read from the store: totals since the file was
/// created (from the daily roll-ups, so retention never makes a counter go down).
public struct UsageMetricsSnapshot: Sendable, Equatable {
    public struct Reader: Sendable, Equatable {
        public var id: String
        public var vid: String?
        public var pid: String?
        public var vendor: String?
        public var product: String?
        public var lastUsed: Date?
    }

    public var readers: [Reader] = []
    /// (reader id, outcome) → reads.
    public var reads: [ReaderOutcome: Int] = [:]
    /// Non-cumulative counts per `UsageStore.durationBuckets` bound, then +Inf.
    public var durationBuckets: [Int] = Array(repeating: 0, count: UsageStore.durationBuckets.count + 1)
    public var durationSumSeconds: Double = 0

    public struct ReaderOutcome: Sendable, Hashable, Comparable {
        public var readerID: String
        public var outcome: String
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
            for row in try Row.fetchAll(db, sql: "SELECT id, vid, pid, vendor, product, last_used FROM readers ORDER BY id") {
                s.readers.append(.init(id: row["id"], vid: row["vid"], pid: row["pid"], vendor: row["vendor"],
                                       product: row["product"],
                                       lastUsed: (row["last_used"] as Double?).map(Date.init(timeIntervalSince1970:))))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT reader_id, outcome, sum(reads) AS n FROM daily_usage GROUP BY reader_id, outcome
                """) {
                s.reads[.init(readerID: row["reader_id"], outcome: row["outcome"])] = row["n"]
            }
            let buckets = (0...Self.durationBuckets.count).map { "coalesce(sum(b\($0)), 0)" }.joined(separator: ", ")
            if let row = try Row.fetchOne(db, sql: "SELECT \(buckets), coalesce(sum(total_ms), 0) FROM daily_usage") {
                for i in 0...Self.durationBuckets.count { s.durationBuckets[i] = row[i] }
                s.durationSumSeconds = Double(row[Self.durationBuckets.count + 1] as Int) / 1000
            }
            return s
        }
    }
}
