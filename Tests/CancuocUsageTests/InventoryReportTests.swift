import Foundation
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

/// The clinic report: `cancuoc inventory` prints what the usage log holds.
@Suite struct InventoryReportTests {
    @Test func theCommandLineReportMatchesTheStore() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(
            configuration: .init(path: path, facilityID: "BP-013", facilityName: "Phòng khám đa khoa Tâm Đức")
        )
        await log.readerSeen(sampleReader)
        let now = Date()
        for i in 0..<12 {
            await log.readFinished(
                event(
                    i % 4 == 0 ? .failed(.cardRemoved) : .ok,
                    at: now.addingTimeInterval(-Double(i) * 86_400),
                    ms: 50 + i
                )
            )
        }
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
        #expect(
            Set(reader.keys).isSuperset(of: ["id", "vid", "pid", "serial", "lastUsed", "lastOK", "present", "usage"])
        )

        let csv = CSV.parse(try await run(cancuocBinary.path, ["inventory", "--csv", "--db", path]))
        #expect(csv.count == 2 && csv[1][0] == "BP-013" && csv[1][3] == sampleReader.id)
        let table = try await run(cancuocBinary.path, ["inventory", "--db", path])
        #expect(table.contains("Phòng khám đa khoa Tâm Đức") && table.contains("12 (3 fail)"))
    }

    /// Issue 17: a digital-signature token plugged into the clinic PC is listed apart and never
    /// counted as a chip-ID reader, in the clinic's report and in the province's figures.
    @Test func aSignatureTokenIsListedApartAndNotCounted() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(configuration: .init(path: path, facilityID: "BP-014", facilityName: "Trạm y tế thử"))
        let token = ReaderUsageInfo(
            id: "096E:0807:TK1",
            name: "FT ePass2003Auto [ePass2003Auto] 00 00",
            vid: "096E",
            pid: "0807"
        )
        let idle = ReaderUsageInfo(
            id: "072F:223B:CL2",
            name: "ACS ACR1252 1S CL Reader PICC 00 00",
            vid: "072F",
            pid: "223B"
        )
        await log.readerSeen(sampleReader)
        await log.readerSeen(token)
        await log.readerSeen(idle)
        await log.readFinished(event(.ok))
        await log.flush()
        let report = await log.summary()
        #expect(report.readers.count == 3)
        #expect(report.contactOnlyReaders.map(\.id) == [token.id])
        #expect(report.presentReaders == 2)
        #expect(report.workingReaders == 1)
        #expect(report.readers.filter(\.idle30Days).map(\.id) == [idle.id], "the token is not an idle ID-card reader")

        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        let kinds = Dictionary(
            uniqueKeysWithValues: (object["readers"] as? [[String: Any]] ?? []).map {
                ($0["id"] as? String ?? "", $0["kind"] as? String ?? "missing")
            }
        )
        #expect(kinds == [sampleReader.id: "contactless", token.id: "contactOnly", idle.id: "contactless"])

        let table = report.table()
        #expect(table.contains("ID-card readers: 2, đang cắm / present: 2"))
        let apart = try #require(table.range(of: "Not counted as ID-card readers"))
        #expect(table[apart.upperBound...].contains(token.id))
        #expect(!table[..<apart.lowerBound].contains(token.id))
        #expect(CSV.parse(report.csv()).dropFirst().contains { $0.contains(token.id) && $0.contains("contactOnly") })

        var row = ProvinceRollup.FacilityRow(
            facility: FacilityRegistry.Facility(
                id: "BP-014",
                name: "Trạm y tế thử",
                district: "Thành phố Đồng Xoài",
                type: "Trạm y tế",
                declaredReaderNeed: 1
            )
        )
        row.accept(ProvinceRollup.Input(source: "BP-014.json", report: report))
        #expect(row.readersPresent == 2)
        #expect(row.readersIdle30Days == 1)
    }

    /// docs/inventory.md: absent values are `null`, never left out, so every report has the same keys
    /// (a clinic that never had its usage log damaged, or has no trust directory yet).
    @Test func everyKeyIsWrittenAbsentOnesAsNull() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(configuration: .init(path: path, facilityID: nil, facilityName: nil))
        await log.readerSeen(sampleReader)
        await log.flush()
        let report = await log.summary()
        #expect(report.usageLogDamage == nil && report.trust == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        let keys: Set<String> = [
            "format", "facility", "generatedAt", "software", "retentionDays", "lostEvents", "readers", "totals",
            "usageLogDamage", "trust",
        ]
        #expect(Set(object.keys) == keys)
        #expect(object["usageLogDamage"] is NSNull && object["trust"] is NSNull)
        let facility = try #require(object["facility"] as? [String: Any])
        #expect(facility["id"] is NSNull)
        let decoded = try InventoryReport.decode(report.jsonData())
        #expect(decoded.usageLogDamage == nil && decoded.trust == nil && decoded.readers.count == 1)
    }
}
