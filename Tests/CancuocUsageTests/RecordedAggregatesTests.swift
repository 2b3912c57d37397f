import Foundation
import Synchronization
import Testing

@testable import CancuocUsage

/// The roll-up from recorded aggregates (contrib/prometheus/cancuoc-recorded.rules.yml): the names
/// agree with the rule file, the queries read windows one step shorter at the latest evaluation,
/// and `auto` falls back to the raw series while the recorded ones do not cover 35 days. The
/// numbers themselves are checked by promtool (cancuoc-recorded.test.yml) and end to end by
/// scripts/prometheus_test.py (recorded == raw == JSON).
@Suite struct RecordedAggregatesTests {
    typealias R = InventoryMetric.Recorded
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    static var rulesFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contrib/prometheus/cancuoc-recorded.rules.yml")
    }

    @Test func everyRecordedNameIsRecordedByTheRuleFileAndNothingElse() throws {
        let text = try String(contentsOf: Self.rulesFile, encoding: .utf8)
        let recorded = text.split(separator: "\n").compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("- record: ") ? String(t.dropFirst("- record: ".count)) : nil
        }
        #expect(Set(recorded) == Set(R.all))
        #expect(recorded.count == R.all.count)
        #expect(recorded.allSatisfy { $0.hasPrefix(R.prefix) })
        // The step in its three places: the interval, every range, the label the roll-up reads.
        #expect(text.contains("interval: 1h"))
        #expect(text.contains("\(R.stepLabel): \"3600\""))
        let ranges = text.split(separator: "\n").filter { $0.contains("expr:") }
        #expect(ranges.filter { $0.contains("[1h]") }.count == R.all.count - 1)
        #expect(ranges.allSatisfy { !$0.contains("[") || $0.contains("[1h]") })
    }

    @Test func recordedQueriesReadTheEvaluationsOfTheWindow() {
        let q = PrometheusInventory.Queries.recorded(stepSeconds: 3600)
        // The highest minus the lowest, or minus 0 when the reader reported in a step without a
        // lowest value (the rules keep a counter only where it is above zero).
        func reads(_ window: String) -> String {
            "(max_over_time(\(R.readsMax)\(window)) - (min_over_time(\(R.readsMin)\(window)) and "
                + "count_over_time(\(R.readsMin)\(window)) == ignoring(outcome) group_left "
                + "count_over_time(\(R.readerPresent)\(window)))) or max_over_time(\(R.readsMax)\(window))"
        }
        #expect(q.month == reads("[2590200000ms]"))
        #expect(q.day == reads("[84600000ms]"))
        #expect(q.median.contains("ignoring(le) group_left count_over_time(\(R.readerPresent)[2590200000ms])"))
        #expect(q.present == "last_over_time(\(R.readerPresent)[3022200000ms])")
        #expect(q.median.contains(R.durationBucketMax) && q.median.contains(R.durationBucketMin))
        // Face checks as the reads (per decision), trust as the other last values.
        #expect(
            q.faceChecks
                == "(max_over_time(\(R.faceChecksMax)[2590200000ms]) - (min_over_time(\(R.faceChecksMin)[2590200000ms]) and "
                + "count_over_time(\(R.faceChecksMin)[2590200000ms]) == ignoring(decision) group_left "
                + "count_over_time(\(R.readerPresent)[2590200000ms]))) or max_over_time(\(R.faceChecksMax)[2590200000ms])"
        )
        #expect(q.trustCSCAs == "last_over_time(\(R.trustCSCAs)[3022200000ms])")
        #expect(q.crlIssued == "last_over_time(\(R.trustCRLIssued)[3022200000ms])")
        #expect(q.crlNextUpdate == "last_over_time(\(R.trustCRLNextUpdate)[3022200000ms])")
        #expect(q.trustPackages == "last_over_time(\(R.trustPackageInfo)[3022200000ms])")
        let raw = PrometheusInventory.Queries.raw
        #expect(raw.month == PrometheusInventory.Query.reads(days: 30))
        #expect(raw.trustPackages == "last_over_time(\(InventoryMetric.trustPackageInfo)[35d])")
        #expect(
            [
                raw.written, raw.day, raw.median, raw.faceChecks, raw.trustCSCAs, raw.crlIssued, raw.crlNextUpdate,
                raw.trustPackages,
            ].allSatisfy { !$0.contains(R.prefix) }
        )
    }

    /// Answers by query text; remembers every query and its time.
    final class FakePrometheus: PrometheusQuerying {
        let answers: [String: [PrometheusQueryResult.Sample]]
        let asked = Mutex<[(String, Date)]>([])
        init(_ answers: [String: [PrometheusQueryResult.Sample]]) { self.answers = answers }
        func query(_ promql: String, at time: Date) async throws -> PrometheusQueryResult {
            asked.withLock { $0.append((promql, time)) }
            return PrometheusQueryResult(samples: answers[promql] ?? [])
        }
        var queries: [(String, Date)] { asked.withLock { $0 } }
    }

    static func sample(_ labels: [String: String], _ value: Double) -> PrometheusQueryResult.Sample {
        .init(labels: labels, value: value, time: now)
    }

    /// A province whose rules ran every hour since `since`, last at `last`, with facility BP-001
    /// on both paths (recorded: 5 reads in 30 days, raw: 3).
    static func province(since: Date, last: Date, raw: Bool = true) -> FakePrometheus {
        let recorded = PrometheusInventory.Queries.recorded(stepSeconds: 3600)
        let reader = ["facility": "BP-001", "reader_id": "r1"]
        var answers: [String: [PrometheusQueryResult.Sample]] = [
            "last_over_time(\(R.evaluation)[35d])": [sample([R.stepLabel: "3600"], last.timeIntervalSince1970)],
            "min_over_time(\(R.evaluation)[35d])": [sample([R.stepLabel: "3600"], since.timeIntervalSince1970)],
            recorded.written: [sample(["facility": "BP-001"], last.timeIntervalSince1970)],
            recorded.present: [sample(reader, 1)],
            recorded.month: [sample(reader.merging(["outcome": "ok"]) { $1 }, 5)],
        ]
        if raw {
            let q = PrometheusInventory.Queries.raw
            answers[q.written] = [sample(["facility": "BP-001"], now.timeIntervalSince1970)]
            answers[q.present] = [sample(reader, 1)]
            answers[q.month] = [sample(reader.merging(["outcome": "ok"]) { $1 }, 3)]
        }
        return FakePrometheus(answers)
    }

    static func reads(_ reading: PrometheusInventory.Reading) -> Int? {
        reading.inputs.first?.report.readers.first?.usage.last30Days.reads
    }

    @Test func autoReadsTheRecordedAggregatesAtTheirLatestEvaluationWhenTheyCover35Days() async throws {
        let last = Self.now.addingTimeInterval(-1200)
        let fake = Self.province(since: last.addingTimeInterval(-35 * 86_400 + 3600), last: last)
        let reading = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .auto)
        #expect(reading.source == .recorded)
        #expect(reading.evaluatedAt == last)
        #expect(Self.reads(reading) == 5)
        let roll = fake.queries.dropFirst(2)
        #expect(roll.map(\.0) == PrometheusInventory.Queries.recorded(stepSeconds: 3600).all)
        #expect(roll.count == 17)
        #expect(roll.allSatisfy { $0.1 == last && $0.0.contains(R.prefix) })
        #expect(reading.description.contains("Source: recorded aggregates (step 3600 s)"))
    }

    @Test func autoReadsTheRawSeriesWhileTheRecordedOnesAreYounger() async throws {
        let last = Self.now.addingTimeInterval(-1200)
        // One step short of the look-back: the rules were installed 35 days minus an hour ago.
        let fake = Self.province(since: last.addingTimeInterval(-35 * 86_400 + 7200), last: last)
        let reading = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .auto)
        #expect(reading.source == .raw)
        #expect(reading.evaluatedAt == Self.now)
        #expect(Self.reads(reading) == 3)
        #expect(reading.note?.contains("raw samples used") == true)
        #expect(reading.note?.contains("dùng mẫu gốc") == true)
        // Asked for explicitly, the recorded ones are read anyway.
        let forced = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .recorded)
        #expect(forced.source == .recorded && Self.reads(forced) == 5)
    }

    @Test func aNationalPrometheusWithOnlyRecordedSeriesIsReadFromThemEvenWhenYoung() async throws {
        let last = Self.now.addingTimeInterval(-600)
        let fake = Self.province(since: last.addingTimeInterval(-86_400), last: last, raw: false)
        let reading = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .auto)
        #expect(reading.source == .recorded && Self.reads(reading) == 5)
    }

    @Test func rawNeverAsksForTheRecordedSeries() async throws {
        let last = Self.now.addingTimeInterval(-600)
        let fake = Self.province(since: last.addingTimeInterval(-40 * 86_400), last: last)
        let reading = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .raw)
        #expect(reading.source == .raw && Self.reads(reading) == 3)
        #expect(fake.queries.map(\.0) == PrometheusInventory.Queries.raw.all)
        #expect(fake.queries.count == 17 && fake.queries.allSatisfy { !$0.0.contains(R.prefix) })
    }

    @Test func withoutRecordedAggregatesRecordedIsAClearErrorAndAutoIsRaw() async throws {
        let fake = FakePrometheus([:])
        await #expect(throws: PrometheusInventory.SourceError.noRecordedAggregates) {
            _ = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .recorded)
        }
        let message = PrometheusInventory.SourceError.noRecordedAggregates.description
        #expect(message.contains("không có số liệu tổng hợp") && message.contains("--source raw"))
        let reading = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .auto)
        #expect(reading.source == .raw && reading.inputs.isEmpty)
    }

    @Test(arguments: ["", "0", "86400", "1h", "-5"])
    func aBadStepLabelIsRefused(step: String) async throws {
        let fake = FakePrometheus([
            "last_over_time(\(R.evaluation)[35d])": [Self.sample([R.stepLabel: step], Self.now.timeIntervalSince1970)]
        ])
        await #expect(throws: PrometheusInventory.SourceError.badStep(step)) {
            _ = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .auto)
        }
    }

    @Test func theLatestOfSeveralProvincesIsTheEvaluationTime() async throws {
        let a = Self.now.addingTimeInterval(-3000)
        let b = Self.now.addingTimeInterval(-400)
        let fake = FakePrometheus([
            "last_over_time(\(R.evaluation)[35d])": [
                Self.sample(["province": "A", R.stepLabel: "3600"], a.timeIntervalSince1970),
                Self.sample(["province": "B", R.stepLabel: "3600"], b.timeIntervalSince1970),
            ]
        ])
        let e = try await PrometheusInventory(client: fake).recordedEvaluation(at: Self.now)
        #expect(e?.time == b && e?.groups.count == 2)
        #expect(e?.groups.map(\.labels) == [["province": "A"], ["province": "B"]])
    }

    @Test func eachProvinceIsReadAtItsOwnEvaluationWithItsOwnSeries() async throws {
        let a = Self.now.addingTimeInterval(-3000)
        let b = Self.now.addingTimeInterval(-400)
        let qa = PrometheusInventory.Queries.recorded(stepSeconds: 3600, matching: ["province": "Đồng Nai"])
        let qb = PrometheusInventory.Queries.recorded(stepSeconds: 3600, matching: ["province": #"Q"u\o"#])
        #expect(qa.present == "last_over_time(\(R.readerPresent){province=\"Đồng Nai\"}[3022200000ms])")
        #expect(qb.written.contains(#"{province="Q\"u\\o"}"#))
        let fake = FakePrometheus([
            "last_over_time(\(R.evaluation)[35d])": [
                Self.sample(["province": "Đồng Nai", R.stepLabel: "3600"], a.timeIntervalSince1970),
                Self.sample(["province": #"Q"u\o"#, R.stepLabel: "3600"], b.timeIntervalSince1970),
            ],
            qa.written: [Self.sample(["facility": "DN-1", "province": "Đồng Nai"], a.timeIntervalSince1970)],
            qb.written: [Self.sample(["facility": "Q-1", "province": #"Q"u\o"#], b.timeIntervalSince1970)],
        ])
        let reading = try await PrometheusInventory(client: fake).reading(at: Self.now, source: .recorded)
        // Provinces in the order of their labels (code points: "Q" before "Đ").
        #expect(reading.inputs.map { $0.report.facility.id } == ["Q-1", "DN-1"])
        let asked = fake.queries.dropFirst(2)
        #expect(asked.count == 34)
        #expect(asked.prefix(17).allSatisfy { $0.1 == b && !$0.0.contains("Đồng Nai") })
        #expect(asked.suffix(17).allSatisfy { $0.1 == a && $0.0.contains("Đồng Nai") })
    }
}
