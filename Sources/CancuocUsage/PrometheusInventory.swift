import Foundation

/// Runs one PromQL instant query at a given time. The HTTP client (`PrometheusHTTPClient`,
/// module PrometheusClient) is one; tests use fakes.
public protocol PrometheusQuerying: Sendable {
    func query(_ promql: String, at time: Date) async throws -> PrometheusQueryResult
}

/// The clinic reports, rebuilt from what the clinics' agents remote-wrote to the province's
/// Prometheus (docs/inventory.md, "From Prometheus"): one `InventoryReport` per `facility`
/// label, so that `ProvinceRollup` makes the same table, CSV and HTML as from JSON files.
///
/// Every query is evaluated at the same instant `now`:
/// - state (identity, presence, times, lost events) is each series' last value in the last
///   `lookbackDays` days (`last_over_time`), so a clinic PC switched off at night still shows
///   what it last sent, and one silent for longer shows no reader data, as a stale report;
/// - reads in the 24 hours, 7 and 30 days before `now` are `max_over_time − min_over_time` of
///   the read counters over the window: exact whole numbers (the counters are totals of the
///   usage log and never go down), where `increase()` would extrapolate to fractions;
/// - the median read time is `histogram_quantile(0.5, …)` over the same 30-day bucket
///   differences: it lies in the same histogram bucket as the clinic's exact median.
public struct PrometheusInventory: Sendable {
    /// As far back as a facility's last figures are looked for: a report older than this
    /// is stale in the JSON path too (`ProvinceRollup.staleAfterDays`).
    public static let lookbackDays = ProvinceRollup.staleAfterDays

    public let client: any PrometheusQuerying
    public init(client: any PrometheusQuerying) { self.client = client }

    typealias M = InventoryMetric
    typealias L = InventoryMetric.Label

    /// The PromQL this roll-up runs, by purpose (docs/inventory.md lists them).
    public enum Query {
        static let lookback = "[\(PrometheusInventory.lookbackDays)d]"
        public static let written = "last_over_time(\(M.written)\(lookback))"
        public static let lost = "last_over_time(\(M.eventsLost)\(lookback))"
        public static let info = "last_over_time(\(M.readerInfo)\(lookback))"
        public static let present = "last_over_time(\(M.readerPresent)\(lookback))"
        public static let firstSeen = "last_over_time(\(M.readerFirstSeen)\(lookback))"
        public static let lastSeen = "last_over_time(\(M.readerLastSeen)\(lookback))"
        public static let lastUsed = "last_over_time(\(M.readerLastUsed)\(lookback))"
        public static let lastSuccess = "last_over_time(\(M.readerLastSuccess)\(lookback))"
        /// Reads per reader and outcome in the `days` before the evaluation time.
        public static func reads(days: Int) -> String {
            "max_over_time(\(M.reads)[\(days)d]) - min_over_time(\(M.reads)[\(days)d])"
        }
        /// Median successful read time per reader over 30 days, in seconds.
        public static let median =
            "histogram_quantile(0.5, max_over_time(\(M.readDuration)_bucket[30d]) - min_over_time(\(M.readDuration)_bucket[30d]))"
    }

    /// One input per facility that sent anything in the last `lookbackDays` days. The source
    /// names the facility label (`prometheus:facility=BP-001`); series without a `facility`
    /// label come as a report without a facility id (flagged "unknown facility").
    public func inputs(at now: Date) async throws -> [ProvinceRollup.Input] {
        try await inputs(at: now, queries: .raw)
    }

    /// The same from the raw series or the recorded aggregates (`Queries`).
    public func inputs(at now: Date, queries q: Queries) async throws -> [ProvinceRollup.Input] {
        // One query after the other: the province's Prometheus answers the roll-up's queries
        // faster one by one than all at once on its few cores.
        let written = try await client.query(q.written, at: now)
        let lost = try await client.query(q.lost, at: now)
        let info = try await client.query(q.info, at: now)
        let present = try await client.query(q.present, at: now)
        let firstSeen = try await client.query(q.firstSeen, at: now)
        let lastSeen = try await client.query(q.lastSeen, at: now)
        let lastUsed = try await client.query(q.lastUsed, at: now)
        let lastSuccess = try await client.query(q.lastSuccess, at: now)
        let day = try await client.query(q.day, at: now)
        let week = try await client.query(q.week, at: now)
        let month = try await client.query(q.month, at: now)
        let median = try await client.query(q.median, at: now)
        let faceChecks = try await client.query(q.faceChecks, at: now)
        let trustCSCAs = try await client.query(q.trustCSCAs, at: now)
        let crlIssued = try await client.query(q.crlIssued, at: now)
        let crlNextUpdate = try await client.query(q.crlNextUpdate, at: now)
        let trustPackages = try await client.query(q.trustPackages, at: now)
        return Self.inputs(
            at: now,
            written: written,
            lost: lost,
            info: info,
            present: present,
            firstSeen: firstSeen,
            lastSeen: lastSeen,
            lastUsed: lastUsed,
            lastSuccess: lastSuccess,
            day: day,
            week: week,
            month: month,
            median: median,
            faceChecks: faceChecks,
            trustCSCAs: trustCSCAs,
            crlIssued: crlIssued,
            crlNextUpdate: crlNextUpdate,
            trustPackages: trustPackages
        )
    }

    /// The reports as if every query had given `answer` (the fuzz target: hostile labels and
    /// values go through every path of the mapping).
    public static func inputs(at now: Date, everyAnswer answer: PrometheusQueryResult) -> [ProvinceRollup.Input] {
        inputs(
            at: now,
            written: answer,
            lost: answer,
            info: answer,
            present: answer,
            firstSeen: answer,
            lastSeen: answer,
            lastUsed: answer,
            lastSuccess: answer,
            day: answer,
            week: answer,
            month: answer,
            median: answer,
            faceChecks: answer,
            trustCSCAs: answer,
            crlIssued: answer,
            crlNextUpdate: answer,
            trustPackages: answer
        )
    }

    /// Builds the reports from the query answers (pure: the unit tests drive it directly).
    static func inputs(
        at now: Date,
        written: PrometheusQueryResult,
        lost: PrometheusQueryResult,
        info: PrometheusQueryResult,
        present: PrometheusQueryResult,
        firstSeen: PrometheusQueryResult,
        lastSeen: PrometheusQueryResult,
        lastUsed: PrometheusQueryResult,
        lastSuccess: PrometheusQueryResult,
        day: PrometheusQueryResult,
        week: PrometheusQueryResult,
        month: PrometheusQueryResult,
        median: PrometheusQueryResult,
        faceChecks: PrometheusQueryResult = .init(samples: []),
        trustCSCAs: PrometheusQueryResult = .init(samples: []),
        crlIssued: PrometheusQueryResult = .init(samples: []),
        crlNextUpdate: PrometheusQueryResult = .init(samples: []),
        trustPackages: PrometheusQueryResult = .init(samples: [])
    ) -> [ProvinceRollup.Input] {
        var facilities: [FacilityKey: FacilityFigures] = [:]
        func each(
            _ result: PrometheusQueryResult,
            reader: Bool,
            _ body: (inout FacilityFigures, String?, PrometheusQueryResult.Sample) -> Void
        ) {
            for s in result.samples {
                let key = FacilityKey(s.labels)
                let readerID = s.labels[L.readerID].flatMap { $0.isEmpty ? nil : UsageText.clip($0) }
                if reader && readerID == nil { continue }
                body(&facilities[key, default: FacilityFigures()], readerID, s)
            }
        }
        func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
        func date(_ v: Double) -> Date? { finite(v).flatMap { abs($0) < 1e11 ? Date(timeIntervalSince1970: $0) : nil } }
        func count(_ v: Double) -> Int { finite(v).map { Int(max(0, min($0, 1e9)).rounded()) } ?? 0 }

        each(written, reader: false) { f, _, s in f.written = [f.written, date(s.value)].compactMap { $0 }.max() }
        each(lost, reader: false) { f, _, s in f.lost += count(s.value) }
        each(info, reader: true) { f, id, s in
            guard let id else { return }
            let candidate = Identity(s.labels, id: id)
            if let current = f.readers[id]?.identity, !candidate.isPreferred(over: current) { return }
            f.readers[id, default: ReaderFigures()].identity = candidate
        }
        each(present, reader: true) { f, id, s in
            guard let id else { return }
            f.readers[id, default: ReaderFigures()].present = f.readers[id]?.present == true || s.value == 1
        }
        let times: [(PrometheusQueryResult, WritableKeyPath<ReaderFigures, Date?>)] = [
            (firstSeen, \.firstSeen), (lastSeen, \.lastSeen), (lastUsed, \.lastUsed), (lastSuccess, \.lastOK),
        ]
        for (result, path) in times {
            each(result, reader: true) { f, id, s in
                guard let id, let t = date(s.value) else { return }
                let old = f.readers[id, default: ReaderFigures()][keyPath: path]
                f.readers[id, default: ReaderFigures()][keyPath: path] =
                    path == \.firstSeen ? min(old ?? t, t) : max(old ?? t, t)
            }
        }
        let windows: [(PrometheusQueryResult, WritableKeyPath<ReaderFigures, [String: Int]>)] = [
            (day, \.day), (week, \.week), (month, \.month),
        ]
        for (result, path) in windows {
            each(result, reader: true) { f, id, s in
                guard let id, let outcome = s.labels[L.outcome], !outcome.isEmpty else { return }
                f.readers[id, default: ReaderFigures()][keyPath: path][UsageText.clip(outcome), default: 0] += count(
                    s.value
                )
            }
        }
        each(median, reader: true) { f, id, s in
            guard let id, let seconds = finite(s.value), seconds >= 0, seconds < 86_400 else { return }
            f.readers[id, default: ReaderFigures()].medianMs = Int((seconds * 1000).rounded())
        }
        addTrustAndFaceChecks(
            to: &facilities,
            trustCSCAs: trustCSCAs,
            crlIssued: crlIssued,
            crlNextUpdate: crlNextUpdate,
            trustPackages: trustPackages,
            faceChecks: faceChecks
        )

        return facilities.sorted { $0.key < $1.key }.map { key, figures in
            let generatedAt = figures.written ?? now
            let readers = figures.readers.sorted { $0.key < $1.key }.map { id, r in
                r.report(id: id, generatedAt: generatedAt)
            }
            var report = InventoryReport(
                format: InventoryReport.currentFormat,
                facility: .init(id: key.facility, name: nil),
                generatedAt: generatedAt,
                software: "Prometheus",
                retentionDays: 0,
                lostEvents: figures.lost,
                readers: readers,
                totals: ReaderFigures.totals(figures.readers.values)
            )
            report.trust = figures.trust.inventory
            return ProvinceRollup.Input(source: key.source, report: report)
        }
    }

    /// A facility's series: by the `facility` label, else (a misconfigured agent) by instance.
    struct FacilityKey: Hashable, Comparable {
        var facility: String?
        var instance: String

        init(_ labels: [String: String]) {
            facility = labels[L.facility].flatMap { $0.isEmpty ? nil : UsageText.clip($0) }
            instance = facility == nil ? UsageText.clip(labels["instance"] ?? "") : ""
        }

        var source: String {
            facility.map { "prometheus:facility=\($0)" } ?? "prometheus:instance=\(instance) (no facility label)"
        }

        static func < (a: Self, b: Self) -> Bool { (a.facility ?? "", a.instance) < (b.facility ?? "", b.instance) }
    }

    struct Identity: Equatable {
        var name: String
        var vid, pid, vendor, product: String?

        init(_ labels: [String: String], id: String) {
            func label(_ key: String) -> String? { labels[key].flatMap { $0.isEmpty ? nil : UsageText.clip($0) } }
            name = label(L.name) ?? id
            vid = label(L.vid)
            pid = label(L.pid)
            vendor = label(L.vendor)
            product = label(L.product)
        }

        /// When a reader's identity labels changed within the look-back (the USB strings were
        /// filled in, it moved to another port), the fuller, then the greater, is kept: the same
        /// answer whatever order Prometheus lists the series in.
        func isPreferred(over other: Identity) -> Bool {
            func filled(_ i: Identity) -> Int { [i.vid, i.pid, i.vendor, i.product].compactMap { $0 }.count }
            if filled(self) != filled(other) { return filled(self) > filled(other) }
            return (name, vid ?? "", pid ?? "", vendor ?? "", product ?? "")
                > (other.name, other.vid ?? "", other.pid ?? "", other.vendor ?? "", other.product ?? "")
        }
    }

    struct FacilityFigures {
        var written: Date?
        var lost = 0
        var readers: [String: ReaderFigures] = [:]
        var trust = TrustFigures()
    }

    struct ReaderFigures {
        var identity: Identity?
        var present = false
        var firstSeen, lastSeen, lastUsed, lastOK: Date?
        var day: [String: Int] = [:], week: [String: Int] = [:], month: [String: Int] = [:]
        var medianMs: Int?
        /// Face check decision → checks in 30 days (`PrometheusInventory+Trust`).
        var faceChecks: [String: Int] = [:]

        static func window(_ outcomes: [String: Int]) -> InventoryReport.Window {
            let reads = outcomes.values.reduce(0, +)
            return .init(reads: reads, ok: outcomes["ok"] ?? 0)
        }

        func report(id: String, generatedAt: Date) -> InventoryReport.Reader {
            let identity = identity ?? Identity([:], id: id)
            return InventoryReport.Reader(
                id: id,
                name: identity.name,
                vid: identity.vid,
                pid: identity.pid,
                vendor: identity.vendor,
                product: identity.product,
                serial: nil,
                firmware: nil,
                present: present,
                firstSeen: firstSeen ?? lastSeen ?? generatedAt,
                lastSeen: lastSeen ?? generatedAt,
                lastUsed: lastUsed,
                lastOK: lastOK,
                usage: .init(
                    lastDay: Self.window(day),
                    last7Days: Self.window(week),
                    last30Days: Self.window(month),
                    medianReadMs: medianMs,
                    outcomes30Days: month.filter { $0.value > 0 },
                    faceChecks30Days: faceChecks.filter { $0.value > 0 }
                )
            )
        }

        /// All readers together; the median of all reads together is not computed (nil).
        static func totals(_ readers: some Collection<ReaderFigures>) -> InventoryReport.Usage {
            func merged(_ path: KeyPath<ReaderFigures, [String: Int]>) -> [String: Int] {
                readers.reduce(into: [:]) { out, r in out.merge(r[keyPath: path], uniquingKeysWith: +) }
            }
            return .init(
                lastDay: window(merged(\.day)),
                last7Days: window(merged(\.week)),
                last30Days: window(merged(\.month)),
                medianReadMs: nil,
                outcomes30Days: merged(\.month).filter { $0.value > 0 },
                faceChecks30Days: merged(\.faceChecks).filter { $0.value > 0 }
            )
        }
    }
}
