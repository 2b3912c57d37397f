import Foundation
import Testing

@testable import CancuocUsage
@testable import PrometheusClient

/// The province roll-up from Prometheus: the HTTP API's answers parsed at the edge, and the
/// clinic reports rebuilt from them. Real processes: scripts/prometheus_test.py.
@Suite struct PrometheusInventoryTests {
    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    static func vector(_ samples: [([String: String], String)]) -> Data {
        let result = samples.map { labels, value in
            ["metric": labels, "value": [now.timeIntervalSince1970, value]] as [String: Any]
        }
        let body: [String: Any] = ["status": "success", "data": ["resultType": "vector", "result": result]]
        return try! JSONSerialization.data(withJSONObject: body)
    }

    static func answer(_ samples: [([String: String], String)]) throws -> PrometheusQueryResult {
        try PrometheusQueryResult.parse(vector(samples))
    }

    @Test func anInstantVectorParsesWithNaNAndInfinity() throws {
        let r = try Self.answer([
            (["facility": "BP-001", "reader_id": "r"], "12"), (["reader_id": "r"], "NaN"),
            ([:], "+Inf"),
        ])
        #expect(r.samples.count == 3)
        #expect(r.samples[0].labels == ["facility": "BP-001", "reader_id": "r"] && r.samples[0].value == 12)
        #expect(r.samples[0].time == Self.now)
        #expect(r.samples[1].value.isNaN)
        #expect(r.samples[2].value == .infinity)
    }

    @Test(arguments: [
        ("", "not JSON"),
        ("<html>404</html>", "not JSON"),
        (#"{"status":"success"}"#, "no \"data\""),
        (#"{"status":"maybe","data":null}"#, "neither success nor error"),
        (#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#, "instant vector"),
        (
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}}"#,
            "unexpected value"
        ),
        (
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"two"]}]}}"#,
            "is not a number"
        ),
        (
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2",3]}]}}"#,
            "more than a time"
        ),
        (
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1e300,"2"]}]}}"#,
            "not a Unix time"
        ),
        (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}}"#, "\"value\" missing"),
    ])
    func malformedAnswersAreRefusedWithAReason(body: String, reason: String) throws {
        do {
            _ = try PrometheusQueryResult.parse(Data(body.utf8))
            Issue.record("parsed: \(body)")
        } catch {
            guard case .malformed(let why) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(why.contains(reason), "\(why)")
            #expect(
                error.description.contains(
                    "Câu trả lời không phải của Prometheus / The answer is not a Prometheus query result"
                )
            )
        }
    }

    @Test func anErrorAnswerSaysWhatPrometheusSaid() throws {
        let body = #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected <EOF>"}"#
        #expect(
            throws: PrometheusQueryError.queryFailed(kind: "bad_data", message: "1:5: parse error: unexpected <EOF>")
        ) {
            try PrometheusQueryResult.parse(Data(body.utf8))
        }
    }

    @Test func theClientRefusesURLsThatAreNotHTTP() throws {
        for url in ["ftp://host", "localhost:9090", "", "http://"] {
            #expect(throws: PrometheusQueryError.badURL(url)) { try PrometheusHTTPClient(url: url) }
        }
        let client = try PrometheusHTTPClient(url: "https://monitor.soyte.vn/prometheus")
        #expect(client.queryURL.absoluteString == "https://monitor.soyte.vn/prometheus/api/v1/query")
        #expect(
            try PrometheusHTTPClient(url: "http://127.0.0.1:9090/").queryURL.absoluteString
                == "http://127.0.0.1:9090/api/v1/query"
        )
        #expect(
            PrometheusHTTPClient.form(["query": "a{b=\"c d\"}[5m]+1", "time": "1.5"])
                == "query=a%7Bb%3D%22c%20d%22%7D%5B5m%5D%2B1&time=1.5"
        )
    }

    /// Every query answered by a fake Prometheus holding two facilities.
    struct FakePrometheus: PrometheusQuerying {
        var answers: [String: [([String: String], String)]]
        func query(_ promql: String, at time: Date) async throws -> PrometheusQueryResult {
            #expect(time == PrometheusInventoryTests.now, "every query at the same instant")
            return try PrometheusInventoryTests.answer(answers[promql] ?? [])
        }
    }

    static func labels(_ facility: String?, _ reader: String? = nil, _ more: [String: String] = [:]) -> [String: String]
    {
        var l = ["instance": "127.0.0.1:9100", "job": "cancuoc"].merging(more) { $1 }
        if let facility { l["facility"] = facility }
        if let reader { l["reader_id"] = reader }
        return l
    }

    static let fake = FakePrometheus(
        answers: {
            typealias Q = PrometheusInventory.Query
            let t = "\(now.timeIntervalSince1970 - 30)"
            return [
                Q.written: [
                    (labels("BP-001"), t), (labels("BP-002"), "\(now.timeIntervalSince1970 - 86_400)"),
                    (labels(nil), t),
                ],
                Q.lost: [(labels("BP-001"), "2")],
                Q.info: [
                    (
                        labels(
                            "BP-001",
                            "r1",
                            ["name": "ACS ACR1252 00 00", "vid": "", "pid": "", "vendor": "", "product": ""]
                        ), "1"
                    ),
                    // The same reader after its USB strings were read: the fuller identity is kept.
                    (
                        labels(
                            "BP-001",
                            "r1",
                            [
                                "name": "ACS ACR1252 00 00", "vid": "072F", "pid": "223B", "vendor": "ACS",
                                "product": "ACR1252 Dual Reader PICC",
                            ]
                        ), "1"
                    ),
                    (
                        labels(
                            "BP-001",
                            "tok",
                            [
                                "name": "Feitian ePass2003 00 00", "vid": "096E", "pid": "0807", "vendor": "",
                                "product": "",
                            ]
                        ), "1"
                    ),
                    (labels("BP-002", "r9", ["name": "Virtual PCD 00 00"]), "1"),
                ],
                Q.present: [
                    (labels("BP-001", "r1"), "1"), (labels("BP-001", "tok"), "1"), (labels("BP-002", "r9"), "0"),
                ],
                Q.firstSeen: [(labels("BP-001", "r1"), "1763000000")],
                Q.lastSeen: [(labels("BP-001", "r1"), t)],
                Q.lastUsed: [(labels("BP-001", "r1"), t), (labels("BP-002", "r9"), t)],
                Q.lastSuccess: [(labels("BP-001", "r1"), t), (labels("BP-002", "r9"), t)],
                Q.reads(days: 1): [
                    (labels("BP-001", "r1", ["outcome": "ok"]), "2"),
                    (labels("BP-001", "r1", ["outcome": "wrongKey"]), "0"),
                ],
                Q.reads(days: 7): [
                    (labels("BP-001", "r1", ["outcome": "ok"]), "5"),
                    (labels("BP-001", "r1", ["outcome": "wrongKey"]), "1"),
                ],
                Q.reads(days: 30): [
                    (labels("BP-001", "r1", ["outcome": "ok"]), "9"),
                    (labels("BP-001", "r1", ["outcome": "wrongKey"]), "3"),
                    (labels("BP-001", "r1", ["outcome": "timeout"]), "0"),
                    (labels("BP-001", "tok", ["outcome": "ok"]), "0"),
                    (labels("BP-002", "r9", ["outcome": "ok"]), "4"),
                ],
                Q.median: [
                    (labels("BP-001", "r1"), "0.8125"), (labels("BP-001", "tok"), "NaN"),
                    (labels("BP-002", "r9"), "1.5"),
                ],
                // BP-001's trust and face checks (RollupTrustTests has the details); BP-002 is an older daemon.
                Q.faceChecks: [(labels("BP-001", "r1", ["decision": "match"]), "4")],
                Q.trustCSCAs: [(labels("BP-001"), "1")],
                Q.crlIssued: [(labels("BP-001"), "\(now.timeIntervalSince1970 - 86_400)")],
                Q.crlNextUpdate: [(labels("BP-001"), "\(now.timeIntervalSince1970 - 3600)")],
                Q.trustPackages: [
                    (labels("BP-001", nil, ["package": "cancuoc-trust-binhphuoc", "version": "3"]), "1")
                ],
            ]
        }()
    )

    @Test func theReportsAreRebuiltPerFacilityFromTheAnswers() async throws {
        let inputs = try await PrometheusInventory(client: Self.fake).inputs(at: Self.now)
        #expect(
            inputs.map(\.source) == [
                "prometheus:instance=127.0.0.1:9100 (no facility label)",
                "prometheus:facility=BP-001", "prometheus:facility=BP-002",
            ]
        )
        let one = try #require(inputs.first { $0.report.facility.id == "BP-001" }).report
        #expect(one.generatedAt == Self.now.addingTimeInterval(-30))
        #expect(one.lostEvents == 2)
        #expect(one.readers.map(\.id) == ["r1", "tok"])
        let r1 = one.readers[0]
        #expect(r1.vendor == "ACS" && r1.product == "ACR1252 Dual Reader PICC" && r1.vid == "072F")
        #expect(r1.present && r1.working && r1.kind == .contactless)
        #expect(r1.usage.lastDay == .init(reads: 2, ok: 2))
        #expect(r1.usage.last7Days == .init(reads: 6, ok: 5))
        #expect(r1.usage.last30Days == .init(reads: 12, ok: 9))
        #expect(
            r1.usage.outcomes30Days == ["ok": 9, "wrongKey": 3],
            "outcomes without reads are left out, as in the JSON"
        )
        #expect(r1.usage.medianReadMs == 813)
        #expect(r1.firstSeen == Date(timeIntervalSince1970: 1_763_000_000))
        let token = one.readers[1]
        #expect(token.kind == .contactOnly && !token.working && !token.idle30Days && token.usage.medianReadMs == nil)
        #expect(one.presentReaders == 1, "the signature token is not counted")
        #expect(one.totals.last30Days == .init(reads: 12, ok: 9))
        let two = try #require(inputs.first { $0.report.facility.id == "BP-002" }).report
        #expect(two.readers.first?.present == false && two.readers.first?.working == false)
    }

    /// The same `ProvinceRollup` as from JSON files: registry facilities that send nothing
    /// have no reader data, series without a facility label are an unknown facility.
    @Test func theRollupFromPrometheusCountsAsTheJSONPathDoes() async throws {
        let registry = try FacilityRegistry.parse(
            csv: """
                id,name,district,type,declaredReaderNeed
                BP-001,Bệnh viện A,Huyện X,Bệnh viện,3
                BP-002,Trạm Y tế B,Huyện X,Trạm y tế xã,1
                BP-003,Trạm Y tế C,Huyện Y,Trạm y tế xã,1
                """
        )
        let inputs = try await PrometheusInventory(client: Self.fake).inputs(at: Self.now)
        let rollup = ProvinceRollup(registry: registry, inputs: inputs, now: Self.now)
        #expect(rollup.province.facilitiesReporting == 2)
        #expect(rollup.province.facilitiesWithWorkingReader == 1)
        #expect(rollup.province.readersPresent == 1)
        #expect(rollup.province.readersWorking == 1)
        #expect(rollup.province.stillNeeded == 2 + 1 + 1)
        #expect(rollup.province.reads30Days == 16 && rollup.province.failed30Days == 3)
        #expect(rollup.rows.first?.crlState == .expired && rollup.rows.first?.crlAgeDays == 1)
        #expect(rollup.rows.first?.trust?.packageList == "cancuoc-trust-binhphuoc=3")
        #expect(rollup.rows.first?.faceChecks30Days == ["match": 4])
        #expect(rollup.province.crlStates == [.expired: 1, .unknown: 2])
        let three = try #require(rollup.rows.first { $0.facility.id == "BP-003" })
        #expect(three.source == nil && three.readersPresent == 0)
        #expect(rollup.problems.map(\.kind) == [.unknownFacility])
        #expect(rollup.problems.first?.source.contains("no facility label") == true)
        // The JSON path: the same reports written out and read back give the same roll-up.
        let again = try inputs.map {
            ProvinceRollup.Input(source: $0.source, report: try InventoryReport.decode($0.report.jsonData()))
        }
        #expect(ProvinceRollup(registry: registry, inputs: again, now: Self.now).rows == rollup.rows)
    }

    @Test func hostileLabelsAndValuesAreBoundedNotTrusted() throws {
        let long = String(repeating: "x", count: 10_000)
        let answer = try Self.answer([
            (["facility": long, "reader_id": long, "outcome": "ok", "name": "\u{7}bell\n"], "1e300"),
            (["facility": "F", "reader_id": "r", "outcome": "ok"], "-5"),
            (["facility": "F", "reader_id": "", "outcome": "ok"], "3"),
        ])
        let inputs = PrometheusInventory.inputs(at: Self.now, everyAnswer: answer)
        for input in inputs {
            #expect(input.report.facility.id.map { $0.count <= 128 } ?? true)
            for r in input.report.readers {
                #expect(r.id.count <= 128 && !r.name.contains("\n"))
                #expect(r.usage.last30Days.reads >= 0 && r.usage.last30Days.reads <= 1_000_000_000)
            }
        }
        #expect(
            inputs.flatMap(\.report.readers).allSatisfy { !$0.id.isEmpty },
            "a sample without a reader id is no reader"
        )
    }
}
