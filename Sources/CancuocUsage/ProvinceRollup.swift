import Foundation

/// The province roll-up: the registry joined with the clinics' JSON reports. Definitions
/// (docs/inventory.md):
/// - a reader is *working* when its report says it is present and it has at least one
///   successful read in the 30 days before the report was generated;
/// - a facility *has a working reader* when its accepted report has at least one;
/// - a reader is *idle* when present with no read at all in those 30 days;
/// - *still needed* = max(0, declared need − working readers), per facility;
/// - a report is *accepted* unless it is unreadable, from an unknown facility, a
///   duplicate (older than another report of the same facility: the newest is kept),
///   or *stale* (generated more than 35 days before the newest report). Rejected reports
///   appear under Problems and in the CSV; they are never counted.
public struct ProvinceRollup: Sendable {
    public static let staleAfterDays = 35

    public struct Input: Sendable {
        public var source: String
        public var report: InventoryReport
        public init(source: String, report: InventoryReport) {
            self.source = source
            self.report = report
        }
    }

    public struct Problem: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case unreadable, unknownFacility, duplicate, stale }
        public var kind: Kind
        public var source: String
        public var facilityID: String?
        public var detail: String
    }

    public struct FacilityRow: Sendable, Equatable {
        public var facility: FacilityRegistry.Facility
        /// The accepted report, if any.
        public var source: String?
        public var generatedAt: Date?
        public var readersPresent = 0
        public var readersWorking = 0
        public var readersIdle30Days = 0
        public var reads30Days = 0
        public var failed30Days = 0
        public var lostEvents = 0
        /// Face check decision → checks in the report's 30 days (`ProvinceRollup+FaceChecks`).
        public var faceChecks30Days: [String: Int] = [:]
        /// The clinic's trust as its report gave it, its newest CRL's state and age (days) at the
        /// roll-up's time (`ProvinceRollup+Trust`); `unknown` without a report or without trust in it.
        public var trust: TrustInventory?
        public var crlState: TrustInventory.CRLState = .unknown
        public var crlAgeDays: Int?
        /// Problems with this facility's reports (duplicate, stale).
        public var problems: [Problem.Kind] = []

        public var hasWorkingReader: Bool { readersWorking > 0 }
        public var stillNeeded: Int { max(0, facility.declaredReaderNeed - readersWorking) }
        public var failureRate30Days: Double? { reads30Days > 0 ? Double(failed30Days) / Double(reads30Days) : nil }
    }

    /// Sums over a set of facilities (a district, or the province).
    public struct Totals: Sendable, Equatable {
        public var name: String
        public var facilities = 0
        public var facilitiesReporting = 0
        public var facilitiesWithWorkingReader = 0
        public var readersPresent = 0
        public var readersWorking = 0
        public var readersIdle30Days = 0
        public var declaredReaderNeed = 0
        public var stillNeeded = 0
        public var reads30Days = 0
        public var failed30Days = 0
        public var faceChecks30Days: [String: Int] = [:]
        /// Facilities per newest CRL state; every facility counts in one (no report: unknown).
        public var crlStates: [TrustInventory.CRLState: Int] = [:]

        public var failureRate30Days: Double? { reads30Days > 0 ? Double(failed30Days) / Double(reads30Days) : nil }

        mutating func add(_ r: FacilityRow) {
            faceChecks30Days.merge(r.faceChecks30Days, uniquingKeysWith: +)
            crlStates[r.crlState, default: 0] += 1
            facilities += 1
            if r.source != nil { facilitiesReporting += 1 }
            if r.hasWorkingReader { facilitiesWithWorkingReader += 1 }
            readersPresent += r.readersPresent
            readersWorking += r.readersWorking
            readersIdle30Days += r.readersIdle30Days
            declaredReaderNeed += r.facility.declaredReaderNeed
            stillNeeded += r.stillNeeded
            reads30Days += r.reads30Days
            failed30Days += r.failed30Days
        }
    }

    public var generatedAt: Date
    /// The newest accepted-or-not report time: staleness is measured from it.
    public var newestReport: Date?
    public var rows: [FacilityRow]
    public var districts: [Totals]
    /// The same sums per facility type (hospital, polyclinic, commune health station…).
    public var types: [Totals]
    /// The same sums per current province, when the registry names provinces (the national
    /// table); empty for a province's own registry.
    public var provinces: [Totals]
    public var province: Totals
    public var problems: [Problem]

    public init(
        registry: FacilityRegistry,
        inputs: [Input],
        unreadable: [(source: String, reason: String)] = [],
        now: Date = Date()
    ) {
        generatedAt = now
        var problems = unreadable.map {
            Problem(kind: .unreadable, source: $0.source, facilityID: nil, detail: $0.reason)
        }
        var byFacility: [String: [Input]] = [:]
        var inputs = inputs
        inputs.removeAll { input in
            guard let why = input.report.implausibility else { return false }
            problems.append(
                Problem(
                    kind: .unreadable,
                    source: input.source,
                    facilityID: input.report.facility.id,
                    detail: "implausible figures: \(why)"
                )
            )
            return true
        }
        for input in inputs {
            guard let id = input.report.facility.id, registry.facility(id: id) != nil else {
                problems.append(
                    Problem(
                        kind: .unknownFacility,
                        source: input.source,
                        facilityID: input.report.facility.id,
                        detail: "facility id \(input.report.facility.id ?? "(none)") is not in the registry"
                    )
                )
                continue
            }
            byFacility[id, default: []].append(input)
        }
        newestReport = inputs.map(\.report.generatedAt).max()
        let staleBefore = newestReport.map { $0.addingTimeInterval(-Double(Self.staleAfterDays) * 86_400) }

        var rows: [FacilityRow] = []
        for facility in registry.facilities {
            var row = FacilityRow(facility: facility)
            let reports = (byFacility[facility.id] ?? []).sorted {
                ($0.report.generatedAt, $0.source) > ($1.report.generatedAt, $1.source)
            }
            if let kept = reports.first {
                for older in reports.dropFirst() {
                    problems.append(
                        Problem(
                            kind: .duplicate,
                            source: older.source,
                            facilityID: facility.id,
                            detail: "older than \(kept.source); the newest report is kept"
                        )
                    )
                }
                if reports.count > 1 { row.problems.append(.duplicate) }
                if let staleBefore, kept.report.generatedAt < staleBefore {
                    problems.append(
                        Problem(
                            kind: .stale,
                            source: kept.source,
                            facilityID: facility.id,
                            detail:
                                "generated \(InventoryReport.iso(kept.report.generatedAt)), more than \(Self.staleAfterDays) days before the newest report; not counted"
                        )
                    )
                    row.problems.append(.stale)
                } else {
                    row.accept(kept)
                    row.acceptTrust(kept.report, now: now)
                }
            }
            rows.append(row)
        }
        self.rows = rows
        self.problems = problems
        var districtTotals: [String: Totals] = [:]
        var typeTotals: [String: Totals] = [:]
        var province = Totals(
            name: registry.hasProvinces ? "Toàn quốc / Country" : "Toàn tỉnh / Province"
        )
        var provinceTotals: [String: Totals] = [:]
        for r in rows {
            if let p = r.facility.province?.current {
                provinceTotals[p, default: Totals(name: p)].add(r)
            }
            // Nationally, districts of the same name in two provinces stay apart.
            let district = r.facility.province.map { "\($0.current) — \(r.facility.district)" } ?? r.facility.district
            districtTotals[district, default: Totals(name: district)].add(r)
            typeTotals[r.facility.type, default: Totals(name: r.facility.type)].add(r)
            province.add(r)
        }
        districts = districtTotals.values.sorted { $0.name < $1.name }
        types = typeTotals.values.sorted { $0.name < $1.name }
        provinces = provinceTotals.values.sorted { $0.name < $1.name }
        self.province = province
    }
}

extension ProvinceRollup.FacilityRow {
    mutating func accept(_ input: ProvinceRollup.Input) {
        let report = input.report
        source = input.source
        generatedAt = report.generatedAt
        readersPresent = report.presentReaders  // contact-only readers (signature tokens) are not counted
        readersWorking = report.readers.filter(\.working).count
        readersIdle30Days = report.readers.filter(\.idle30Days).count
        reads30Days = report.readers.reduce(0) { $0 + $1.usage.last30Days.reads }
        failed30Days = report.readers.reduce(0) { $0 + $1.usage.last30Days.failed }
        lostEvents = report.lostEvents
        faceChecks30Days = report.idCardReaders.reduce(into: [:]) {
            $0.merge($1.usage.faceChecks30Days, uniquingKeysWith: +)
        }
    }
}
