import Foundation
import Testing
@testable import CancuocUsage


/// The clinic report: `cancuoc inventory` prints what the usage log holds.
@Suite struct InventoryReportTests {
    @Test func theCommandLineReportMatchesTheStore() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(configuration: .init(path: path, facilityID: "BP-013", facilityName: "Phòng khám đa khoa Tâm Đức"))
        await log.readerSeen(sampleReader)
        let now = Date()
        for i in 0..<12 { await log.readFinished(event(i % 4 == 0 ? "cardRemoved" : "ok", at: now.addingTimeInterval(-Double(i) * 86_400), ms: 50 + i)) }
        await log.flush()
        let expected = await log.summary()

        let json = try await run(cancuocBinary.path, ["inventory", "--json", "--db", path])
        let printed = try InventoryReport.decode(Data(json.utf8))
        #expect(printed.facility == expected.facility)
        #expect(printed.readers.map(\.usage) == expected.readers.map(\.usage))
        #expect(printed.totals.last30Days == .init(reads: 12, ok: 9))
        #expect(printed.totals.last7Days == .init(reads: 7, ok: 5))
        #expect(printed.totals.lastDay == .init(reads: 1, ok: 0))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let reader = try #require((object["readers"] as? [[String: Any]])?.first)
        #expect(reader["firmware"] as? String == "2.14" && reader["working"] as? Bool == true)
        #expect(Set(reader.keys).isSuperset(of: ["id", "vid", "pid", "serial", "lastUsed", "lastOK", "present", "usage"]))

        let csv = CSV.parse(try await run(cancuocBinary.path, ["inventory", "--csv", "--db", path]))
        #expect(csv.count == 2 && csv[1][0] == "BP-013" && csv[1][3] == sampleReader.id)
        let table = try await run(cancuocBinary.path, ["inventory", "--db", path])
        #expect(table.contains("Phòng khám đa khoa Tâm Đức") && table.contains("12 (3 fail)"))
    }
}
