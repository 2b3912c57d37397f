import Foundation
import PCSC
import SmartCard

/// This clinic's reader inventory: the file a clinic sends to the province
/// (`cancuoc inventory --json`) and the result of `inventory.summary`. Counts and timings
/// per reader, nothing about any card or citizen. Definitions in docs/inventory.md.
public struct InventoryReport: Codable, Sendable, Equatable {
    /// Raised when a field changes meaning; the roll-up refuses newer formats.
    public static let currentFormat = 1

    public var format: Int
    public var facility: Facility
    public var generatedAt: Date
    public var software: String
    /// Raw events are kept this many days; counts below never look further back than 30.
    public var retentionDays: Int
    /// Events the daemon could not store (disk full, read-only) since it started.
    public var lostEvents: Int
    public var readers: [Reader]
    /// All readers together.
    public var totals: Usage
    /// The last time the usage log was found damaged and rebuilt (docs/troubleshooting.md), if ever.
    public var usageLogDamage: UsageDatabaseRecovery.Damage? = nil
    /// The clinic's CSCAs, newest CRL and trust packages (TrustInventory.swift); set by the daemon and `cancuoc inventory`.
    public var trust: TrustInventory? = nil

    public struct Facility: Codable, Sendable, Equatable {
        public var id: String?
        public var name: String?
        public init(id: String?, name: String?) {
            self.id = id
            self.name = name
        }
    }

    public struct Reader: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var vid: String?
        public var pid: String?
        public var vendor: String?
        public var product: String?
        public var serial: String?
        public var firmware: String?
        /// Attached when the daemon last said so (reader.attached / detached).
        public var present: Bool
        public var firstSeen: Date
        public var lastSeen: Date
        /// The last finished read of any outcome, and the last successful one.
        public var lastUsed: Date?
        public var lastOK: Date?
        public var usage: Usage

        /// What the reader is for (docs/design.md §9.5), from its name and what it says it is, and whether
        /// an ID card was ever read on it. A digital-signature token plugged into the clinic PC
        /// is `contactOnly`: listed, but never counted as a chip-ID reader.
        public var kind: ReaderKind { Self.kind(name: name, vendor: vendor, product: product, readOK: lastOK != nil) }

        /// The one rule for a usage-log reader's kind (the report, the metrics): its name and
        /// USB strings, and whether an ID card was ever read on it.
        public static func kind(name: String, vendor: String?, product: String?, readOK: Bool) -> ReaderKind {
            ReaderClassification.classify(
                name: name,
                identity: ReaderIdentity(vendor: vendor, product: product),
                sawContactlessCard: readOK
            ).kind
        }
        /// Counted in the reader figures: everything but contact-only readers.
        public var isIDCardReader: Bool { kind != .contactOnly }
        /// Present and an ID-card reader.
        public var presentIDCardReader: Bool { present && isIDCardReader }
        /// Present and at least one successful read in the 30 days before the report.
        public var working: Bool { present && usage.last30Days.ok > 0 }
        /// A present ID-card reader with no read at all in the 30 days before the report.
        public var idle30Days: Bool { presentIDCardReader && usage.last30Days.reads == 0 }
    }

    /// Reads in the 24 hours, 7 days and 30 days before `generatedAt`.
    public struct Usage: Codable, Sendable, Equatable {
        public var lastDay: Window
        public var last7Days: Window
        public var last30Days: Window
        /// Median duration of the successful reads of the last 30 days.
        public var medianReadMs: Int?
        /// Outcome code → reads in the last 30 days.
        public var outcomes30Days: [String: Int]
        /// Face check decision (`FaceCheckEvent.storedDecisions`) → checks in the last 30 days;
        /// empty where no face check was made (and in reports of versions before face checks).
        public var faceChecks30Days: [String: Int] = [:]

        public static let empty = Usage(
            lastDay: .empty,
            last7Days: .empty,
            last30Days: .empty,
            medianReadMs: nil,
            outcomes30Days: [:]
        )
    }

    public struct Window: Codable, Sendable, Equatable {
        public var reads: Int
        public var ok: Int
        /// Every outcome other than `ok`.
        public var failed: Int { reads - ok }
        /// failed / reads; nil without reads.
        public var failureRate: Double? { reads > 0 ? Double(failed) / Double(reads) : nil }

        public init(reads: Int, ok: Int) {
            self.reads = reads
            self.ok = ok
        }
        public static let empty = Window(reads: 0, ok: 0)

        enum CodingKeys: String, CodingKey { case reads, ok, failed, failureRate }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            reads = try c.decode(Int.self, forKey: .reads)
            ok = try c.decode(Int.self, forKey: .ok)
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(reads, forKey: .reads)
            try c.encode(ok, forKey: .ok)
            try c.encode(failed, forKey: .failed)
            try c.encode(failureRate, forKey: .failureRate)
        }
    }
}

extension InventoryReport {
    /// Why the figures cannot be true (negative counts, more successes than reads, counts
    /// beyond any reader's capacity), or nil. The roll-up refuses such reports instead of
    /// adding them up (and never overflows on them).
    public var implausibility: String? {
        let limit = 10_000_000
        guard (0...limit).contains(lostEvents) else { return "lostEvents \(lostEvents) out of range" }
        guard readers.count <= 1000 else { return "\(readers.count) readers" }
        for r in readers {
            for (name, w) in [
                ("lastDay", r.usage.lastDay), ("last7Days", r.usage.last7Days), ("last30Days", r.usage.last30Days),
            ] {
                guard (0...limit).contains(w.reads), (0...w.reads).contains(w.ok) else {
                    return "reader \(r.id): \(name) has \(w.reads) reads, \(w.ok) ok"
                }
            }
        }
        return faceCheckImplausibility ?? trust?.implausibility
    }

    public var workingReaders: Int { readers.filter(\.working).count }
    /// Present ID-card readers; contact-only readers (signature tokens) are not counted.
    public var presentReaders: Int { readers.filter(\.presentIDCardReader).count }
    /// Readers listed apart: contact cards only (signature tokens), never counted as ID-card readers.
    public var contactOnlyReaders: [Reader] { readers.filter { !$0.isIDCardReader } }
    /// The readers that count.
    public var idCardReaders: [Reader] { readers.filter(\.isIDCardReader) }

    /// The encoder of the report files: ISO 8601 dates, sorted keys (stable files).
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// JSON with ISO 8601 dates and sorted keys (stable files for the province).
    public func jsonData() throws -> Data { try Self.encoder.encode(self) }

    public static func decode(_ data: Data) throws -> InventoryReport {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(InventoryReport.self, from: data)
    }
}
