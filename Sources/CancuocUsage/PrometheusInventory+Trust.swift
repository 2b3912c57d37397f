import Foundation

/// The clinics' trust (`cancuoc_trust_*`) and face checks (`cancuoc_face_checks_total`) in the roll-up
/// from Prometheus (docs/inventory.md, "Trust" and "Face checks"): the same `InventoryReport.trust`
/// and per-reader `faceChecks30Days` as the clinics' JSON reports.
extension PrometheusInventory.Query {
    /// The trust gauges' last values in the look-back (per facility; packages per name and version).
    public static let trustCSCAs = "last_over_time(\(InventoryMetric.trustCSCAs)\(lookback))"
    public static let crlIssued = "last_over_time(\(InventoryMetric.trustCRLIssued)\(lookback))"
    public static let crlNextUpdate = "last_over_time(\(InventoryMetric.trustCRLNextUpdate)\(lookback))"
    public static let trustPackages = "last_over_time(\(InventoryMetric.trustPackageInfo)\(lookback))"
    /// Face checks per reader and decision in the 30 days before the evaluation time, as the reads.
    public static let faceChecks =
        "max_over_time(\(InventoryMetric.faceChecks)[30d]) - min_over_time(\(InventoryMetric.faceChecks)[30d])"
}

extension PrometheusInventory {
    /// A facility's trust series.
    struct TrustFigures {
        var cscas: Int?
        var issued: Date?
        var nextUpdate: Date?
        /// Package name → version ("" when the package did not say).
        var packages: [String: String] = [:]
        var seen = false

        /// Nil when the facility sent no trust series at all (an older daemon): unknown.
        var inventory: TrustInventory? {
            guard seen else { return nil }
            return TrustInventory(
                cscas: cscas ?? 0,
                newestCRLIssued: issued,
                newestCRLNextUpdate: nextUpdate,
                packages: packages.sorted { $0.key < $1.key }.map {
                    .init(name: $0.key, version: $0.value.isEmpty ? nil : $0.value)
                }
            )
        }
    }

    /// Of two versions of one trust package seen in the look-back (it was upgraded or
    /// downgraded), the one to show: the greater, numbers compared as numbers ("1.10" > "1.9").
    /// Prometheus keeps the older version's series for the look-back; its last value cannot say
    /// when it was last sent (docs/inventory.md: a removed package shows until it leaves the look-back).
    static func preferredVersion(_ a: String, _ b: String) -> String {
        a.compare(b, options: [.numeric, .literal]) == .orderedAscending ? b : a
    }

    /// Adds the trust and face check answers to the facilities' figures.
    static func addTrustAndFaceChecks(
        to facilities: inout [FacilityKey: FacilityFigures],
        trustCSCAs: PrometheusQueryResult,
        crlIssued: PrometheusQueryResult,
        crlNextUpdate: PrometheusQueryResult,
        trustPackages: PrometheusQueryResult,
        faceChecks: PrometheusQueryResult
    ) {
        func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
        func date(_ v: Double) -> Date? { finite(v).flatMap { abs($0) < 1e11 ? Date(timeIntervalSince1970: $0) : nil } }
        func count(_ v: Double) -> Int { finite(v).map { Int(max(0, min($0, 1e9)).rounded()) } ?? 0 }

        for s in trustCSCAs.samples {
            facilities[FacilityKey(s.labels), default: FacilityFigures()].trust.seen = true
            let n = count(s.value)
            facilities[FacilityKey(s.labels), default: FacilityFigures()].trust.cscas =
                max(facilities[FacilityKey(s.labels)]?.trust.cscas ?? n, n)
        }
        for (result, path) in [(crlIssued, \TrustFigures.issued), (crlNextUpdate, \TrustFigures.nextUpdate)] {
            for s in result.samples {
                guard let t = date(s.value) else { continue }
                let key = FacilityKey(s.labels)
                facilities[key, default: FacilityFigures()].trust.seen = true
                let old = facilities[key]?.trust[keyPath: path]
                facilities[key]?.trust[keyPath: path] = max(old ?? t, t)
            }
        }
        for s in trustPackages.samples {
            guard let name = s.labels[L.package].map({ UsageText.clip($0) }), !name.isEmpty else { continue }
            let key = FacilityKey(s.labels)
            let version = UsageText.clip(s.labels[L.version] ?? "", max: 64)
            facilities[key, default: FacilityFigures()].trust.seen = true
            guard facilities[key]?.trust.packages.count ?? 0 < 1000 else { continue }
            let old = facilities[key]?.trust.packages[name]
            facilities[key]?.trust.packages[name] = old.map { preferredVersion($0, version) } ?? version
        }
        for s in faceChecks.samples {
            guard let id = s.labels[L.readerID].flatMap({ $0.isEmpty ? nil : UsageText.clip($0) }),
                let decision = s.labels[L.decision], !decision.isEmpty
            else { continue }
            let key = FacilityKey(s.labels)
            facilities[key, default: FacilityFigures()].readers[id, default: ReaderFigures()].faceChecks[
                UsageText.clip(decision),
                default: 0
            ] += count(s.value)
        }
    }
}
