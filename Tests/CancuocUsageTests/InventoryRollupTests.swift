import Foundation
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

/// The province roll-up on a synthetic registry shaped like the Bình Phước report (129
/// insured facilities, 11 districts): exact counts, flagged problems, CSV and HTML.
@Suite struct InventoryRollupTests {
    static let districts = [
        "Thành phố Đồng Xoài", "Thị xã Phước Long", "Thị xã Bình Long", "Thị xã Chơn Thành",
        "Huyện Đồng Phú", "Huyện Phú Riềng", "Huyện Lộc Ninh", "Huyện Hớn Quản", "Huyện Bù Đốp",
        "Huyện Bù Đăng", "Huyện Bù Gia Mập",
    ]
    static let now = Date()

    /// BP-001…012 hospitals / district health centres (need 3), BP-013…039 private
    /// polyclinics, BP-040…129 commune health stations (need 1). District: (i−1) mod 11.
    static func registryCSV() -> String {
        var csv = "id,name,district,type,declaredReaderNeed\n"
        for i in 1...129 {
            let (type, name, need): (String, String, Int) =
                i <= 12
                ? ("Bệnh viện/TTYT", "Trung tâm Y tế số \(i)", 3)
                : i <= 39
                    ? ("Phòng khám đa khoa tư nhân", "Phòng khám đa khoa \"Tâm Đức\" \(i), chi nhánh", 1)
                    : ("Trạm y tế xã", "Trạm Y tế xã số \(i)", 1)
            csv += CSV.line([id(i), name, districts[(i - 1) % 11], type, "\(need)"])
        }
        return csv
    }

    static func id(_ i: Int) -> String { String(format: "BP-%03d", i) }

    static func reader(_ n: Int, present: Bool = true, reads: Int, ok: Int) -> InventoryReport.Reader {
        let w = InventoryReport.Window(reads: reads, ok: ok)
        return .init(
            id: "072F:2200:SN\(n)",
            name: "ACS ACR39U \(n)",
            vid: "072F",
            pid: "2200",
            vendor: "ACS",
            product: "ACR39U",
            serial: "SN\(n)",
            firmware: nil,
            present: present,
            firstSeen: now.addingTimeInterval(-200 * 86_400),
            lastSeen: now,
            lastUsed: reads > 0 ? now : nil,
            lastOK: ok > 0 ? now : nil,
            usage: .init(
                lastDay: .empty,
                last7Days: .empty,
                last30Days: w,
                medianReadMs: ok > 0 ? 90 : nil,
                outcomes30Days: ["ok": ok, "wrongKey": reads - ok].filter { $0.value > 0 }
            )
        )
    }

    static func report(_ facility: String?, daysAgo: Double = 0, readers: [InventoryReport.Reader]) -> InventoryReport {
        InventoryReport(
            format: 1,
            facility: .init(id: facility, name: nil),
            generatedAt: now.addingTimeInterval(-daysAgo * 86_400),
            software: "cancuoc test",
            retentionDays: 90,
            lostEvents: 0,
            readers: readers,
            totals: .empty
        )
    }

    /// 1…26 have one working reader (40 reads, 2 failed); the 12 hospitals also an idle one.
    /// 27: present, only failed reads. 28: working reads but unplugged. 5 twice (older
    /// duplicate). 29: a stale report (40 days old). Two reports from unknown facilities.
    static func inputs() -> [ProvinceRollup.Input] {
        var out: [ProvinceRollup.Input] = []
        for i in 1...26 {
            var readers = [reader(i, reads: 40, ok: 38)]
            if i <= 12 { readers.append(reader(1000 + i, reads: 0, ok: 0)) }
            out.append(.init(source: "\(id(i)).json", report: report(id(i), daysAgo: Double(i % 3), readers: readers)))
        }
        out.append(.init(source: "BP-027.json", report: report(id(27), readers: [reader(27, reads: 5, ok: 0)])))
        out.append(
            .init(source: "BP-028.json", report: report(id(28), readers: [reader(28, present: false, reads: 9, ok: 9)]))
        )
        out.append(.init(source: "BP-005-old.json", report: report(id(5), daysAgo: 20, readers: [])))
        out.append(
            .init(source: "BP-029.json", report: report(id(29), daysAgo: 40, readers: [reader(29, reads: 3, ok: 3)]))
        )
        out.append(.init(source: "XX-999.json", report: report("XX-999", readers: [reader(999, reads: 3, ok: 3)])))
        out.append(.init(source: "no-id.json", report: report(nil, readers: [])))
        return out
    }

    @Test func countsAreExactAndProblemsAreFlaggedNotMerged() throws {
        let registry = try FacilityRegistry.parse(csv: Self.registryCSV())
        #expect(registry.facilities.count == 129)
        let r = ProvinceRollup(registry: registry, inputs: Self.inputs(), now: Self.now)
        let p = r.province
        #expect(p.facilities == 129)
        #expect(p.facilitiesReporting == 28)
        #expect(p.facilitiesWithWorkingReader == 26)
        #expect(p.readersPresent == 12 * 2 + 14 + 1)
        #expect(p.readersWorking == 26)
        #expect(p.readersIdle30Days == 12)
        #expect(p.declaredReaderNeed == 12 * 3 + 117)
        #expect(p.stillNeeded == 12 * 2 + 103)
        #expect(p.reads30Days == 26 * 40 + 5 + 9)
        #expect(p.failed30Days == 26 * 2 + 5)
        #expect(r.problems.filter { $0.kind == .duplicate }.map(\.source) == ["BP-005-old.json"])
        #expect(r.problems.filter { $0.kind == .stale }.map(\.source) == ["BP-029.json"])
        #expect(Set(r.problems.filter { $0.kind == .unknownFacility }.map(\.source)) == ["XX-999.json", "no-id.json"])
        #expect(r.problems.count == 4)
        let five = try #require(r.rows.first { $0.facility.id == "BP-005" })
        #expect(five.source == "BP-005.json" && five.problems == [.duplicate] && five.hasWorkingReader)
        let stale = try #require(r.rows.first { $0.facility.id == "BP-029" })
        #expect(stale.source == nil && stale.problems == [.stale] && !stale.hasWorkingReader)
        #expect(r.districts.count == 11)
        let dongXoai = try #require(r.districts.first { $0.name == "Thành phố Đồng Xoài" })
        #expect(dongXoai.facilities == 12 && dongXoai.facilitiesWithWorkingReader == 3)  // BP-001, 012, 023
        #expect(r.districts.reduce(0) { $0 + $1.facilitiesWithWorkingReader } == 26)
        #expect(r.districts.reduce(0) { $0 + $1.stillNeeded } == p.stillNeeded)
        #expect(r.types.map(\.name) == ["Bệnh viện/TTYT", "Phòng khám đa khoa tư nhân", "Trạm y tế xã"])
        #expect(r.types.map(\.facilities) == [12, 27, 90])
        #expect(r.types.map(\.facilitiesWithWorkingReader) == [12, 14, 0])
        #expect(r.types.map(\.readersIdle30Days) == [12, 0, 0])

        let csv = CSV.parse(r.csv())
        #expect(csv.count == 1 + 129 + 3, "header, every facility, the three uncounted reports")
        let header = try #require(csv.first)
        let problems = try #require(header.firstIndex(of: "problems"))
        #expect(csv.filter { $0.count > problems && $0[problems].hasPrefix("unknownFacility") }.count == 2)
        #expect(csv.first { $0.first == "BP-029" }?[problems] == "stale")
        #expect(csv.first { $0.first == "BP-005" && $0[6] == "BP-005.json" }?[problems] == "duplicate")
        #expect(csv[1][1].isEmpty == false)
    }

    @Test func theHTMLIsSelfContainedAndRendersItsChartsInHeadlessChromium() async throws {
        let registry = try FacilityRegistry.parse(csv: Self.registryCSV())
        let html = ProvinceRollup(registry: registry, inputs: Self.inputs(), now: Self.now).html()
        for external in ["<script", "src=", "href=", "@import", "url(", "http://", "https://"] {
            #expect(
                !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains(external),
                "external resource: \(external)"
            )
        }
        let file = try usageTempDir().appendingPathComponent("rollup.html")
        try Data(html.utf8).write(to: file)
        let dom = try await run(
            "/usr/bin/chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=\(file.deletingLastPathComponent().path)/chromium",
                "--dump-dom", file.absoluteString,
            ]
        )
        for id in ["chart-facilities", "chart-readers", "chart-failures"] {
            #expect(dom.contains("id=\"\(id)\""), "chart \(id) in the rendered DOM")
        }
        #expect(dom.components(separatedBy: "<rect class=\"bar\"").count - 1 == 11 * (2 + 4 + 1))
        #expect(dom.contains("26 / 129"))
        #expect(dom.contains("Vấn đề / Problems (4)"))
        #expect(dom.contains("XX-999.json"))
        #expect(dom.contains("id=\"types\"") && dom.contains("Phòng khám đa khoa tư nhân"))
    }

    @Test func theCommandLineWritesTheTableCSVAndHTMLFromCollectedFiles() async throws {
        let dir = try usageTempDir()
        try Data(Self.registryCSV().utf8).write(to: dir.appendingPathComponent("facilities.csv"))
        var paths: [String] = []
        for input in Self.inputs() {
            let url = dir.appendingPathComponent(input.source)
            try input.report.jsonData().write(to: url)
            paths.append(url.path)
        }
        let broken = dir.appendingPathComponent("broken.json")
        try Data("{\"format\":1".utf8).write(to: broken)
        let out = try await run(
            cancuocBinary.path,
            [
                "inventory", "rollup", "--registry", dir.appendingPathComponent("facilities.csv").path,
                "--out", dir.appendingPathComponent("out").path,
            ] + paths + [broken.path]
        )
        #expect(out.contains("Facilities with a working reader: 26/129"))
        #expect(out.contains("still needed: 127"))
        #expect(out.contains("[stale]") && out.contains("[duplicate]") && out.contains("[unknownFacility]"))
        #expect(out.contains("[unreadable] \(broken.path)"))
        let csv = try String(contentsOf: dir.appendingPathComponent("out/inventory-rollup.csv"), encoding: .utf8)
        #expect(CSV.parse(csv).count == 1 + 129 + 4)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/inventory-rollup.html").path))
    }

    @Test func registryCSVHandlesQuotesBOMAndCRLFAndRejectsBadRows() throws {
        let reg = try FacilityRegistry.parse(
            csv:
                "\u{FEFF}ID,Name,District,Type,DeclaredReaderNeed\r\nA1,\"Phòng khám \"\"An Bình\"\", cơ sở 2\",Huyện Lộc Ninh,PK,2\r\n"
        )
        #expect(
            reg.facilities == [
                .init(
                    id: "A1",
                    name: "Phòng khám \"An Bình\", cơ sở 2",
                    district: "Huyện Lộc Ninh",
                    type: "PK",
                    declaredReaderNeed: 2
                )
            ]
        )
        #expect(throws: FacilityRegistry.ParseError.missingColumn("declaredReaderNeed")) {
            try FacilityRegistry.parse(csv: "id,name,district,type\nA,B,C,D\n")
        }
        #expect(throws: FacilityRegistry.ParseError.duplicateID("A", line: 3)) {
            try FacilityRegistry.parse(csv: "id,name,district,type,declaredReaderNeed\nA,B,C,D,1\nA,B,C,D,1\n")
        }
        #expect(
            throws: FacilityRegistry.ParseError.badRow(line: 2, reason: "declaredReaderNeed 'x' is not a whole number")
        ) {
            try FacilityRegistry.parse(csv: "id,name,district,type,declaredReaderNeed\nA,B,C,D,x\n")
        }
    }
}

@Suite struct InventoryHostileInput {
    @Test func implausibleReportsAreRefusedNotAddedUp() throws {
        let registry = try FacilityRegistry.parse(csv: InventoryRollupTests.registryCSV())
        var huge = InventoryRollupTests.report(
            "BP-001",
            readers: [InventoryRollupTests.reader(1, reads: Int.max, ok: 0)]
        )
        huge.lostEvents = 0
        let negative = InventoryRollupTests.report("BP-002", readers: [InventoryRollupTests.reader(2, reads: 5, ok: 9)])
        let r = ProvinceRollup(
            registry: registry,
            inputs: [
                .init(source: "huge.json", report: huge),
                .init(source: "neg.json", report: negative),
            ]
        )
        #expect(r.problems.map(\.kind) == [.unreadable, .unreadable])
        #expect(r.province.reads30Days == 0 && r.province.facilitiesReporting == 0)
    }

    @Test func csvCellsThatLookLikeFormulasAreDefused() {
        #expect(CSV.field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.field("-5") == "-5")
        #expect(CSV.field("Huyện Lộc Ninh") == "Huyện Lộc Ninh")
    }
}
