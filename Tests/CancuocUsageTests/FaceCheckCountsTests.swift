import FaceCheck
import Foundation
import GRDB
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

private func check(
    _ decision: FaceDecision,
    at time: Date = Date(),
    reader: String = sampleReader.id
)
    -> UsageStore.Change
{
    .faceCheck(FaceCheckEvent(readerID: reader, time: time, decision: decision))
}

/// Face checks in the usage log (docs/face-check.md, docs/inventory.md): counted per reader and
/// decision, shown by the report, the CSV, the table and the metrics, kept by retention and by
/// both directions of a package change.
@Suite struct FaceCheckCounts {
    static let second = "08E6:3437:0000"

    @Test func checksAreCountedPerReaderAndDecisionInTheReportAndItsFiles() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        let now = Date()
        try await store.apply(
            [
                .readerSeen(sampleReader, at: now.addingTimeInterval(-60 * 86_400)),
                .read(event(at: now.addingTimeInterval(-7200))),
                check(.match, at: now.addingTimeInterval(-3600)),
                check(.match, at: now.addingTimeInterval(-2 * 86_400)),
                check(.noMatch, at: now.addingTimeInterval(-3 * 86_400)),
                check(.declined, at: now.addingTimeInterval(-600)),
                check(.match, at: now.addingTimeInterval(-40 * 86_400)),  // outside the 30 days
                check(.notLive, at: now.addingTimeInterval(-60), reader: Self.second),
            ]
        )
        let report = try store.report(now: now)
        let first = try #require(report.readers.first { $0.id == sampleReader.id })
        #expect(first.usage.faceChecks30Days == ["match": 2, "noMatch": 1, "declined": 1])
        let second = try #require(report.readers.first { $0.id == Self.second }, "a reader known by its check")
        #expect(second.usage.faceChecks30Days == ["notLive": 1])
        #expect(report.totals.faceChecks30Days == ["match": 2, "noMatch": 1, "declined": 1, "notLive": 1])
        #expect(report.faceChecks30Days == 5)
        #expect(first.usage.last30Days.reads == 1, "a face check is not a read")

        let decoded = try InventoryReport.decode(try report.jsonData())
        #expect(decoded.totals == report.totals && decoded.readers.map(\.usage) == report.readers.map(\.usage))
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(json.contains(#""faceChecks30Days" : {"#))

        let csv = report.csv().components(separatedBy: "\r\n")
        let header = try #require(csv.first).split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "faceChecks30d"))
        let row = try #require(csv.first { $0.contains(sampleReader.id) })
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(row.count == header.count)
        #expect(row[column] == "declined=1;match=2;noMatch=1")

        #expect(report.table().contains("Face checks, 30 days: declined=1;match=2;noMatch=1;notLive=1"))
        #expect(try store.faceCheckCounts() == (events: 6, rolledUp: 6))
    }

    @Test func theMetricCountsEveryDecisionFromZeroOnceThereIsACheckAndNeverGoesDown() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        try store.setRetention(days: 31)
        let now = Date()
        try await store.apply([.readerSeen(sampleReader, at: now), .read(event(at: now))])
        let before = MetricsTextfileWriter.render(try store.metricsSnapshot(), lostEvents: 0, pcscUp: true)
        #expect(!before.contains(InventoryMetric.faceChecks), "no face check yet: no series")

        try await store.apply(
            [check(.match, at: now.addingTimeInterval(-100 * 86_400)), check(.match), check(.unavailable)]
        )
        #expect(try store.prune(now: now) == 0, "the read is recent")
        #expect(try store.faceCheckCounts() == (events: 2, rolledUp: 3), "the old raw check is pruned")
        let text = MetricsTextfileWriter.render(try store.metricsSnapshot(), lostEvents: 0, pcscUp: true)
        let samples = text.split(separator: "\n").filter { $0.hasPrefix(InventoryMetric.faceChecks + "{") }
        #expect(samples.count == FaceCheckEvent.storedDecisions.count)
        let reader = #"reader_id="\#(sampleReader.id)""#
        #expect(samples.contains { $0 == #"cancuoc_face_checks_total{\#(reader),decision="match"} 2"# })
        #expect(samples.contains { $0 == #"cancuoc_face_checks_total{\#(reader),decision="unavailable"} 1"# })
        #expect(samples.contains { $0 == #"cancuoc_face_checks_total{\#(reader),decision="declined"} 0"# })
        #expect(samples.contains { $0 == #"cancuoc_face_checks_total{\#(reader),decision="other"} 0"# })
        #expect(text.contains("# TYPE cancuoc_face_checks_total counter"))
        // Every label value is a reader id or a decision of the closed list.
        for s in samples {
            let decision = try #require(s.split(separator: "decision=\"").last?.split(separator: "\"").first)
            #expect(FaceCheckEvent.storedDecisions.contains(String(decision)))
        }
    }

    /// A clinic PC's file of the version before face checks: opened by this version, it is
    /// migrated in place, its reads kept, and face checks are counted from then on.
    @Test func aFileOfTheSchemaBeforeFaceChecksUpgradesInPlace() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let now = Date()
        do {
            let old = try UsageStore(path: path, migrator: UsageStore.migrator(through: 1))
            try await old.apply([.readerSeen(sampleReader, at: now)] + (0..<4).map { _ in .read(event(at: now)) })
            #expect(throws: (any Error).self) { try old.faceCheckCounts() }
            try old.close()
        }
        #expect(throws: UsageStore.SchemaError.self) { try UsageStore(readingOnly: path) }
        let upgraded = try UsageStore(path: path)
        #expect(try upgraded.counts() == UsageCounts(events: 4, rolledUp: 4, readers: 1))
        try await upgraded.apply([check(.match, at: now)])
        let report = try upgraded.report(now: now.addingTimeInterval(1))
        #expect(report.totals.last30Days.reads == 4)
        #expect(report.totals.faceChecks30Days == ["match": 1])
        #expect(try upgraded.integrityCheck() == "ok")
        let applied = try await upgraded.pool.read { db in try UsageStore.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1", "v2"])
        #expect(try UsageStore(readingOnly: path).report().totals.faceChecks30Days == ["match": 1])
    }

    /// The package downgraded to the version before face checks: its cancuoc opens the newer
    /// file (GRDB skips a migration it does not know), keeps counting reads, reports from it
    /// read-only; back on this version, the face counts and every read are there.
    @Test func aDowngradedVersionKeepsTheReadCountsAndTheFaceCounts() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let now = Date()
        do {
            let store = try UsageStore(path: path)
            try await store.apply(
                [.readerSeen(sampleReader, at: now), .read(event(at: now)), .read(event(at: now)), check(.noMatch)]
            )
            try store.close()
        }
        do {
            let old = try UsageStore(path: path, migrator: UsageStore.migrator(through: 1))
            try await old.apply([.read(event(at: now)), .read(event(.failed(.wrongKey), at: now))])
            #expect(try old.prune(now: now) == 0)
            #expect(try old.counts() == UsageCounts(events: 4, rolledUp: 4, readers: 1))
            let snapshot = try old.metricsSnapshot()
            #expect(snapshot.reads[.init(readerID: sampleReader.id, outcome: "ok")] == 3)
            try old.close()
        }
        let readOnly = try UsageStore(readingOnly: path)
        #expect(try readOnly.report().totals.last30Days == .init(reads: 4, ok: 3))
        let again = try UsageStore(path: path)
        #expect(try again.counts() == UsageCounts(events: 4, rolledUp: 4, readers: 1))
        #expect(try again.report().totals.faceChecks30Days == ["noMatch": 1])
        #expect(try again.metricsSnapshot().faceChecks[.init(readerID: sampleReader.id, decision: "noMatch")] == 1)
    }

    /// `cancuoc inventory` (JSON, CSV, table) on the usage log the daemon writes through
    /// `UsageRecorder.faceCheckFinished`; on a file of the schema before face checks, the command
    /// (run as root here, as on the clinic PC) upgrades it in place and keeps its reads.
    @Test func theCommandLineInventoryShowsTheChecks() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(configuration: .init(path: path, facilityID: "BP-040", facilityName: "Trạm Y tế xã"))
        await log.readerSeen(sampleReader)
        await log.readFinished(event())
        for decision in [FaceDecision.match, .match, .uncertain] {
            await log.faceCheckFinished(FaceCheckEvent(readerID: sampleReader.id, decision: decision))
        }
        await log.flush()
        let json = try await run(cancuocBinary.path, ["inventory", "--json", "--db", path])
        let printed = try InventoryReport.decode(Data(json.utf8))
        #expect(printed.totals.faceChecks30Days == ["match": 2, "uncertain": 1])
        #expect(printed.readers.first?.usage.faceChecks30Days == ["match": 2, "uncertain": 1])
        let csv = CSV.parse(try await run(cancuocBinary.path, ["inventory", "--csv", "--db", path]))
        let column = try #require(csv.first?.firstIndex(of: "faceChecks30d"))
        #expect(csv.count == 2 && csv[1][column] == "match=2;uncertain=1")
        let table = try await run(cancuocBinary.path, ["inventory", "--db", path])
        #expect(table.contains("Kiểm tra khuôn mặt 30 ngày / Face checks, 30 days: match=2;uncertain=1"))

        let older = try usageTempDir().appendingPathComponent("usage.sqlite").path
        do {
            let old = try UsageStore(path: older, migrator: UsageStore.migrator(through: 1))
            try old.applySync([.readerSeen(sampleReader, at: Date()), .read(event()), .read(event())])
            try old.close()
        }
        let upgraded = try InventoryReport.decode(
            Data(try await run(cancuocBinary.path, ["inventory", "--json", "--db", older]).utf8)
        )
        #expect(upgraded.totals.last30Days.reads == 2 && upgraded.totals.faceChecks30Days.isEmpty)
        #expect(!(try await run(cancuocBinary.path, ["inventory", "--db", older]).contains("Face checks")))
    }

    /// A decision written by a newer cancuoc than this one is counted as `other`, never dropped
    /// and never a label this version does not list.
    @Test func aDecisionThisVersionDoesNotKnowIsCountedAsOther() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        try await store.apply([.readerSeen(sampleReader, at: Date()), check(.match)])
        try await store.pool.write { db in
            try db.execute(
                sql: "INSERT INTO face_check_events (reader_id, time, decision) VALUES (?, ?, 'maskDetected')",
                arguments: [sampleReader.id, Date().timeIntervalSince1970]
            )
            try db.execute(
                sql:
                    "INSERT INTO daily_face_checks (day, reader_id, decision, checks) VALUES ('2026-12-01', ?, 'maskDetected', 2)",
                arguments: [sampleReader.id]
            )
        }
        #expect(try store.report().totals.faceChecks30Days == ["match": 1, "other": 1])
        let text = MetricsTextfileWriter.render(try store.metricsSnapshot(), lostEvents: 0, pcscUp: true)
        #expect(text.contains(#"decision="other"} 2"#))
        #expect(!text.contains("maskDetected"))
    }

    @Test func aReportOfAVersionBeforeFaceChecksIsReadAsNoChecks() throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        try store.applySync([.readerSeen(sampleReader, at: Date()), .read(event())])
        var object = try #require(try JSONSerialization.jsonObject(with: store.report().jsonData()) as? [String: Any])
        var totals = try #require(object["totals"] as? [String: Any])
        totals["faceChecks30Days"] = nil
        object["totals"] = totals
        object["readers"] = (object["readers"] as? [[String: Any]])?.map { reader in
            var reader = reader
            var usage = reader["usage"] as? [String: Any] ?? [:]
            usage["faceChecks30Days"] = nil
            reader["usage"] = usage
            return reader
        }
        let old = try InventoryReport.decode(try JSONSerialization.data(withJSONObject: object))
        #expect(old.totals.faceChecks30Days.isEmpty && old.readers.first?.usage.faceChecks30Days == [:])
        #expect(old.totals.last30Days.reads == 1)
    }

    @Test func theProvinceRollupSumsTheFacilitiesFaceChecks() throws {
        let registry = try FacilityRegistry.parse(
            csv: "id,name,district,type,declaredReaderNeed\nBP-001,Trạm Y tế xã A,Huyện Đồng Phú,Trạm y tế xã,1\n"
                + "BP-002,Trạm Y tế xã B,Huyện Đồng Phú,Trạm y tế xã,1\n"
        )
        func report(_ facility: String, _ checks: [String: Int]) -> InventoryReport {
            var usage = InventoryReport.Usage.empty
            usage.last30Days = .init(reads: 10, ok: 9)
            usage.faceChecks30Days = checks
            let reader = InventoryReport.Reader(
                id: "072F:2200:\(facility)",
                name: "ACS ACR1252 1S CL Reader PICC 00 00",
                vid: "072F",
                pid: "2200",
                vendor: "ACS",
                product: "ACR1252",
                serial: facility,
                firmware: nil,
                present: true,
                firstSeen: Date(),
                lastSeen: Date(),
                lastUsed: Date(),
                lastOK: Date(),
                usage: usage
            )
            return InventoryReport(
                format: InventoryReport.currentFormat,
                facility: .init(id: facility, name: nil),
                generatedAt: Date(),
                software: "cancuoc test",
                retentionDays: 90,
                lostEvents: 0,
                readers: [reader],
                totals: usage
            )
        }
        let rollup = ProvinceRollup(
            registry: registry,
            inputs: [
                .init(source: "a.json", report: report("BP-001", ["match": 3, "noMatch": 1])),
                .init(source: "b.json", report: report("BP-002", ["match": 2, "declined": 4])),
            ]
        )
        #expect(rollup.province.faceChecks30Days == ["match": 5, "noMatch": 1, "declined": 4])
        #expect(rollup.table().contains("Face checks, 30 days: 10 (declined=4;match=5;noMatch=1)"))
        let lines = rollup.csv().components(separatedBy: "\r\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let header = try #require(lines.first)
        let total = try #require(header.firstIndex(of: "faceChecks30d"))
        let list = try #require(header.firstIndex(of: "faceCheckDecisions30d"))
        let a = try #require(lines.first { $0.first == "BP-001" })
        #expect(a.count == header.count && a[total] == "4" && a[list] == "match=3;noMatch=1")
        var implausible = report("BP-001", ["match": -1])
        implausible.readers[0].usage.faceChecks30Days = ["match": -1]
        #expect(implausible.implausibility != nil)
    }
}
