import Foundation
import Testing

@testable import CancuocUsage

/// Which clinics' trust is current in the province roll-up (docs/inventory.md, "Trust"): the
/// newest CRL's state per facility from the JSON reports and from Prometheus, in the table, the
/// CSV and the HTML; old reports without `trust` are unknown, never an error.
@Suite struct RollupTrustTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)
    static let day: TimeInterval = 86_400

    static let registry: FacilityRegistry = {
        try! FacilityRegistry.parse(
            csv: """
                id,name,district,type,declaredReaderNeed
                DN-001,Bệnh viện A,Huyện X,Bệnh viện,1
                DN-002,Trạm Y tế B,Huyện X,Trạm y tế xã,1
                DN-003,Trạm Y tế C,Huyện Y,Trạm y tế xã,1
                DN-004,Trạm Y tế D,Huyện Y,Trạm y tế xã,1
                DN-005,Trạm Y tế E,Huyện Y,Trạm y tế xã,1
                """
        )
    }()

    static func report(_ id: String, trust: TrustInventory?) -> InventoryReport {
        var r = InventoryReport(
            format: 1,
            facility: .init(id: id, name: nil),
            generatedAt: now.addingTimeInterval(-3600),
            software: "cancuoc test",
            retentionDays: 90,
            lostEvents: 0,
            readers: [],
            totals: .empty
        )
        r.trust = trust
        return r
    }

    static let current = TrustInventory(
        cscas: 1,
        newestCRLIssued: now.addingTimeInterval(-3 * day),
        newestCRLNextUpdate: now.addingTimeInterval(87 * day),
        packages: [
            .init(name: "cancuoc-trust-dongnai", version: "2"), .init(name: "cancuoc-trust-extra", version: nil),
        ]
    )
    /// Issued 20 days before the roll-up, expired 10 days before it (but after the report was made).
    static let expired = TrustInventory(
        cscas: 1,
        newestCRLIssued: now.addingTimeInterval(-20 * day),
        newestCRLNextUpdate: now.addingTimeInterval(-10 * day),
        packages: [.init(name: "cancuoc-trust-dongnai", version: "1")]
    )
    static let noCRL = TrustInventory(cscas: 0, newestCRLIssued: nil, newestCRLNextUpdate: nil, packages: [])

    /// DN-001 current, DN-002 expired, DN-003 no CRL (and no CSCA), DN-004 an old report without
    /// `trust` (its JSON has no such key), DN-005 no report at all.
    static func inputs() throws -> [ProvinceRollup.Input] {
        var old = try JSONSerialization.jsonObject(with: report("DN-004", trust: nil).jsonData()) as! [String: Any]
        old.removeValue(forKey: "trust")
        let oldData = try JSONSerialization.data(withJSONObject: old)
        #expect(!String(decoding: oldData, as: UTF8.self).contains("trust"))
        return [
            .init(source: "dn1.json", report: report("DN-001", trust: current)),
            .init(source: "dn2.json", report: report("DN-002", trust: expired)),
            .init(source: "dn3.json", report: report("DN-003", trust: noCRL)),
            .init(source: "dn4.json", report: try InventoryReport.decode(oldData)),
        ]
    }

    @Test func eachFacilityHasItsNewestCRLsStateAtTheRollupsTime() throws {
        let rollup = ProvinceRollup(registry: Self.registry, inputs: try Self.inputs(), now: Self.now)
        let state = Dictionary(uniqueKeysWithValues: rollup.rows.map { ($0.facility.id, $0.crlState) })
        #expect(
            state == ["DN-001": .current, "DN-002": .expired, "DN-003": .none, "DN-004": .unknown, "DN-005": .unknown]
        )
        let one = try #require(rollup.rows.first { $0.facility.id == "DN-001" })
        #expect(one.crlAgeDays == 3 && one.trust == Self.current)
        #expect(rollup.province.crlStates == [.current: 1, .expired: 1, .none: 1, .unknown: 2])
        #expect(rollup.problems.isEmpty, "an old report without trust is no problem")
        #expect(rollup.trustNotCurrent.map(\.facility.id) == ["DN-002", "DN-003", "DN-004"])
        // The same report read a year later: its CRL is expired by then.
        let later = ProvinceRollup(registry: Self.registry, inputs: try Self.inputs(), now: Self.now + 365 * Self.day)
        #expect(later.rows.first?.crlState == .expired)
    }

    @Test func theCSVHasTheTrustColumns() throws {
        let csv = ProvinceRollup(registry: Self.registry, inputs: try Self.inputs(), now: Self.now).csv()
        let lines = csv.components(separatedBy: "\r\n")
        let header = lines[0].split(separator: ",").map(String.init)
        func column(_ id: String, _ name: String) throws -> String {
            let line = try #require(lines.first { $0.hasPrefix(id + ",") })
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(cells.count == header.count)
            return cells[try #require(header.firstIndex(of: name))]
        }
        #expect(
            Array(header.suffix(7)) == [
                "trustCSCAs", "crlState", "crlIssued", "crlNextUpdate", "crlAgeDays", "trustPackages", "problems",
            ]
        )
        #expect(try column("DN-001", "crlState") == "current")
        #expect(try column("DN-001", "crlAgeDays") == "3")
        #expect(try column("DN-001", "crlNextUpdate") == InventoryReport.iso(Self.current.newestCRLNextUpdate!))
        #expect(try column("DN-001", "trustPackages") == "cancuoc-trust-dongnai=2;cancuoc-trust-extra")
        #expect(try column("DN-002", "crlState") == "expired")
        #expect(try column("DN-002", "crlAgeDays") == "20")
        #expect(try column("DN-003", "crlState") == "none" && column("DN-003", "trustCSCAs") == "0")
        #expect(try column("DN-004", "crlState") == "unknown" && column("DN-004", "trustCSCAs") == "")
        #expect(try column("DN-005", "crlState") == "unknown" && column("DN-005", "crlIssued") == "")
    }

    @Test func theTableAndTheHTMLSayWhichClinicsAreNotCurrentInBothLanguages() throws {
        let rollup = ProvinceRollup(registry: Self.registry, inputs: try Self.inputs(), now: Self.now)
        let table = rollup.table()
        let expiredOn = String(InventoryReport.iso(Self.expired.newestCRLNextUpdate!).prefix(10))
        #expect(
            table.contains(
                "Trust (newest CRL): hết hạn / expired 1, chưa có CRL / no CRL 1, không rõ / unknown 2, còn hạn / current 1"
            )
        )
        #expect(table.contains("Tin cậy chưa cập nhật / Trust not current: 3"))
        #expect(table.contains("DN-002 Trạm Y tế B: CRL đã hết hạn ngày \(expiredOn)"))
        #expect(table.contains("The CRL expired on \(expiredOn): revocation is not checked."))
        #expect(
            table.contains("DN-003 Trạm Y tế C: Chưa có CRL") && table.contains("No CSCA: no card can be verified.")
        )
        #expect(table.contains("DN-004 Trạm Y tế D: Không rõ") && table.contains("Unknown: no trust information"))
        #expect(!table.contains("DN-001 Bệnh viện A:"), "a current clinic is not listed")
        #expect(!table.contains("DN-005"), "a facility without a report is not listed under trust")

        let html = rollup.html()
        #expect(html.contains("id=\"kpi-crl-current\"><b>1 / 5</b>"))
        #expect(html.contains("<section id=\"trust\">"))
        #expect(html.contains("data-crl=\"expired\"><td>DN-002</td>"))
        #expect(html.contains("The CRL expired on \(expiredOn): revocation is not checked."))
        #expect(html.contains("<td>cancuoc-trust-dongnai=2, cancuoc-trust-extra</td>"))
        #expect(html.contains("<td>còn hạn / current</td>"))
    }

    @Test func implausibleTrustIsRefusedNotCounted() throws {
        var bad = Self.current
        bad.cscas = -1
        let rollup = ProvinceRollup(
            registry: Self.registry,
            inputs: [.init(source: "bad.json", report: Self.report("DN-001", trust: bad))],
            now: Self.now
        )
        #expect(rollup.problems.map(\.kind) == [.unreadable])
        #expect(rollup.problems.first?.detail.contains("trust") == true)
        #expect(rollup.rows.first?.crlState == .unknown)
    }

    @Test func aCRLWithoutNextUpdateIsCurrentAndNoneIsNone() {
        let noNext = TrustInventory(cscas: 1, newestCRLIssued: Self.now, newestCRLNextUpdate: nil, packages: [])
        #expect(noNext.crlState(at: Self.now + 1000 * Self.day) == .current)
        #expect(Self.noCRL.crlState(at: Self.now) == .none)
        #expect(Self.current.crlState(at: Self.current.newestCRLNextUpdate! + 1) == .expired)
    }

    // MARK: From Prometheus

    typealias Q = PrometheusInventory.Query

    /// BP-001 with trust (two versions of one package seen in the look-back, a CRL) and face
    /// checks; BP-002 from an older daemon (no trust series).
    static func answer(_ samples: [([String: String], Double)]) -> PrometheusQueryResult {
        .init(samples: samples.map { .init(labels: $0.0, value: $0.1, time: now) })
    }

    struct Fake: PrometheusQuerying {
        var answers: [String: PrometheusQueryResult]
        func query(_ promql: String, at time: Date) async throws -> PrometheusQueryResult {
            answers[promql] ?? .init(samples: [])
        }
    }

    static func fake(_ q: PrometheusInventory.Queries) -> Fake {
        let f1 = ["facility": "DN-001", "instance": "i", "job": "cancuoc"]
        let r1 = f1.merging(["reader_id": "r1"]) { $1 }
        func with(_ base: [String: String], _ more: [String: String]) -> [String: String] {
            base.merging(more) { $1 }
        }
        return Fake(answers: [
            q.written: answer([
                (f1, now.timeIntervalSince1970 - 60), (["facility": "DN-002"], now.timeIntervalSince1970),
            ]),
            q.present: answer([(r1, 1)]),
            q.info: answer([(with(r1, ["name": "ACS ACR1252 00 00"]), 1)]),
            q.month: answer([(with(r1, ["outcome": "ok"]), 7)]),
            q.lastSuccess: answer([(r1, now.timeIntervalSince1970 - 60)]),
            q.faceChecks: answer([
                (with(r1, ["decision": "match"]), 5), (with(r1, ["decision": "mismatch"]), 1),
                (with(r1, ["decision": "noFace"]), 0),
            ]),
            q.trustCSCAs: answer([(f1, 1)]),
            q.crlIssued: answer([(f1, current.newestCRLIssued!.timeIntervalSince1970)]),
            q.crlNextUpdate: answer([(f1, current.newestCRLNextUpdate!.timeIntervalSince1970)]),
            q.trustPackages: answer([
                (with(f1, ["package": "cancuoc-trust-dongnai", "version": "1.9"]), 1),
                (with(f1, ["package": "cancuoc-trust-dongnai", "version": "1.10"]), 1),
                (with(f1, ["package": "cancuoc-trust-extra", "version": ""]), 1),
            ]),
        ])
    }

    @Test(arguments: [false, true])
    func prometheusGivesTheSameTrustAndFaceChecksAsTheReports(recorded: Bool) async throws {
        let q: PrometheusInventory.Queries = recorded ? .recorded(stepSeconds: 3600) : .raw
        let inputs = try await PrometheusInventory(client: Self.fake(q)).inputs(at: Self.now, queries: q)
        let one = try #require(inputs.first { $0.report.facility.id == "DN-001" }).report
        #expect(
            one.trust
                == TrustInventory(
                    cscas: 1,
                    newestCRLIssued: Self.current.newestCRLIssued,
                    newestCRLNextUpdate: Self.current.newestCRLNextUpdate,
                    packages: [
                        .init(name: "cancuoc-trust-dongnai", version: "1.10"),
                        .init(name: "cancuoc-trust-extra", version: nil),
                    ]
                )
        )
        #expect(one.readers.first?.usage.faceChecks30Days == ["match": 5, "mismatch": 1])
        #expect(one.totals.faceChecks30Days == ["match": 5, "mismatch": 1])
        let two = try #require(inputs.first { $0.report.facility.id == "DN-002" }).report
        #expect(two.trust == nil, "no trust series: unknown, as a report without trust")

        // The roll-up from these reports equals the roll-up from the same reports as JSON files.
        let rollup = ProvinceRollup(registry: Self.registry, inputs: inputs, now: Self.now)
        let again = try inputs.map {
            ProvinceRollup.Input(source: $0.source, report: try InventoryReport.decode($0.report.jsonData()))
        }
        #expect(ProvinceRollup(registry: Self.registry, inputs: again, now: Self.now).rows == rollup.rows)
        #expect(ProvinceRollup(registry: Self.registry, inputs: again, now: Self.now).csv() == rollup.csv())
        #expect(rollup.province.faceChecks30Days == ["match": 5, "mismatch": 1])
        #expect(rollup.province.crlStates == [.current: 1, .unknown: 4])
    }

    @Test func theGreaterVersionIsShownNumbersAsNumbers() {
        #expect(PrometheusInventory.preferredVersion("1.9", "1.10") == "1.10")
        #expect(PrometheusInventory.preferredVersion("2", "1") == "2")
        #expect(PrometheusInventory.preferredVersion("2026.12.06", "2026.11.30") == "2026.12.06")
        #expect(PrometheusInventory.preferredVersion("", "1") == "1")
    }

    @Test func hostileTrustAnswersAreBounded() {
        let long = String(repeating: "p", count: 10_000)
        let inputs = PrometheusInventory.inputs(
            at: Self.now,
            written: .init(samples: []),
            lost: .init(samples: []),
            info: .init(samples: []),
            present: .init(samples: []),
            firstSeen: .init(samples: []),
            lastSeen: .init(samples: []),
            lastUsed: .init(samples: []),
            lastSuccess: .init(samples: []),
            day: .init(samples: []),
            week: .init(samples: []),
            month: .init(samples: []),
            median: .init(samples: []),
            trustCSCAs: Self.answer([(["facility": "F"], .infinity)]),
            crlIssued: Self.answer([(["facility": "F"], 1e300)]),
            crlNextUpdate: Self.answer([(["facility": "F"], .nan)]),
            trustPackages: Self.answer(
                (0..<1500).map { (["facility": "F", "package": "\($0)" + long, "version": long], 1) }
            )
        )
        let trust = inputs.first?.report.trust
        #expect(trust?.cscas == 0 && trust?.newestCRLIssued == nil && trust?.newestCRLNextUpdate == nil)
        #expect((trust?.packages.count ?? 0) <= 1000)
        #expect(trust?.packages.allSatisfy { $0.name.count <= 128 && ($0.version?.count ?? 0) <= 64 } == true)
        #expect(inputs.first?.report.implausibility == nil)
    }
}
