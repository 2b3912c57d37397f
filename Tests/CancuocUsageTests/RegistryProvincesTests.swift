import Foundation
import Testing

@testable import CancuocUsage

/// The registry after the 1 July 2025 province reform: a facility listed under a former province
/// is reported under the current one, the former name kept; the national table groups by the
/// current province. The mapping comes through `ProvinceResolver` (module AdminUnits at merge);
/// here a tiny in-test table stands in for it.
@Suite struct RegistryProvincesTests {
    /// Three entries of the mapping, for the test only (the real one is AdminUnits').
    static let tiny: ProvinceResolver = { name in
        switch name.lowercased() {
        case "đồng nai": return ProvinceAssignment(current: "Đồng Nai", code: "75", former: nil)
        case "bình phước": return ProvinceAssignment(current: "Đồng Nai", code: "75", former: "Bình Phước")
        case "hà nội": return ProvinceAssignment(current: "Hà Nội", code: "01", former: nil)
        default: return nil
        }
    }

    static let csv = """
        id,name,district,type,declaredReaderNeed,province
        BP-001,Bệnh viện Đa khoa tỉnh,Thành phố Đồng Xoài,Bệnh viện,3,Bình Phước
        DN-001,Bệnh viện Đa khoa Đồng Nai,Thành phố Biên Hòa,Bệnh viện,2,Đồng Nai
        HN-001,Trạm Y tế phường Hàng Bạc,Quận Hoàn Kiếm,Trạm y tế xã,1,hà nội

        """

    @Test func aFacilityUnderAMergedProvinceIsUnderTheCurrentOneWithItsFormerName() throws {
        let reg = try FacilityRegistry.parse(csv: Self.csv, provinces: Self.tiny)
        #expect(reg.hasProvinces)
        #expect(
            reg.facility(id: "BP-001")?.province
                == ProvinceAssignment(current: "Đồng Nai", code: "75", former: "Bình Phước")
        )
        #expect(reg.facility(id: "DN-001")?.province?.former == nil)
        #expect(reg.facility(id: "HN-001")?.province?.current == "Hà Nội")
    }

    @Test func anUnknownProvinceIsAClearErrorWithItsLine() {
        let bad = Self.csv.replacingOccurrences(of: ",hà nội", with: ",Hà Tây")
        #expect(throws: FacilityRegistry.ParseError.self) { try FacilityRegistry.parse(csv: bad, provinces: Self.tiny) }
        do {
            _ = try FacilityRegistry.parse(csv: bad, provinces: Self.tiny)
        } catch {
            #expect(error.description.contains("line 4"))
            #expect(
                error.description.contains("không phải tên tỉnh") && error.description.contains("is not a province")
            )
        }
        let empty = Self.csv.replacingOccurrences(of: ",hà nội", with: ",")
        #expect(throws: FacilityRegistry.ParseError.badRow(line: 4, reason: "empty province")) {
            try FacilityRegistry.parse(csv: empty, provinces: Self.tiny)
        }
    }

    @Test func withoutAMappingTheProvinceIsTakenAsWritten() throws {
        let reg = try FacilityRegistry.parse(csv: Self.csv)
        #expect(
            reg.facility(id: "BP-001")?.province == ProvinceAssignment(current: "Bình Phước", code: nil, former: nil)
        )
    }

    static func report(_ id: String, ok: Int) -> ProvinceRollup.Input {
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let window = InventoryReport.Window(reads: ok, ok: ok)
        let usage = InventoryReport.Usage(
            lastDay: window,
            last7Days: window,
            last30Days: window,
            medianReadMs: nil,
            outcomes30Days: ok > 0 ? ["ok": ok] : [:]
        )
        let reader = InventoryReport.Reader(
            id: "r1",
            name: "ACS ACR1281U PICC 00 00",
            vid: nil,
            pid: nil,
            vendor: nil,
            product: nil,
            serial: nil,
            firmware: nil,
            present: true,
            firstSeen: now,
            lastSeen: now,
            lastUsed: now,
            lastOK: ok > 0 ? now : nil,
            usage: usage
        )
        let report = InventoryReport(
            format: InventoryReport.currentFormat,
            facility: .init(id: id, name: nil),
            generatedAt: now,
            software: "test",
            retentionDays: 90,
            lostEvents: 0,
            readers: [reader],
            totals: usage
        )
        return .init(source: "prometheus:facility=\(id)", report: report)
    }

    @Test func theNationalTableGroupsByCurrentProvince() throws {
        let reg = try FacilityRegistry.parse(csv: Self.csv, provinces: Self.tiny)
        let now = Date(timeIntervalSince1970: 1_764_000_100)
        let rollup = ProvinceRollup(
            registry: reg,
            inputs: [Self.report("BP-001", ok: 4), Self.report("HN-001", ok: 0)],
            now: now
        )
        #expect(rollup.provinces.map(\.name) == ["Hà Nội", "Đồng Nai"].sorted())
        let dongNai = try #require(rollup.provinces.first { $0.name == "Đồng Nai" })
        #expect(dongNai.facilities == 2 && dongNai.facilitiesReporting == 1 && dongNai.facilitiesWithWorkingReader == 1)
        #expect(dongNai.declaredReaderNeed == 5 && dongNai.reads30Days == 4)
        #expect(rollup.province.name.contains("Country") && rollup.province.facilities == 3)
        // Districts of the national table carry their province.
        #expect(rollup.districts.contains { $0.name == "Đồng Nai — Thành phố Đồng Xoài" })

        let csv = CSV.parse(rollup.csv())
        let header = try #require(csv.first)
        #expect(Array(header.suffix(3)) == ["province", "provinceCode", "formerProvince"])
        let bp = try #require(csv.first { $0.first == "BP-001" })
        #expect(Array(bp.suffix(3)) == ["Đồng Nai", "75", "Bình Phước"])
        let table = rollup.table()
        #expect(table.contains("Tỉnh / Province") && table.contains("Đồng Nai"))
        #expect(rollup.html().contains("id=\"provinces\""))
    }

    @Test func aProvinceRegistryKeepsItsColumnsAndTable() throws {
        let reg = try FacilityRegistry.parse(
            csv: "id,name,district,type,declaredReaderNeed\nBP-001,Bệnh viện,Đồng Xoài,Bệnh viện,1\n"
        )
        let rollup = ProvinceRollup(registry: reg, inputs: [], now: Date(timeIntervalSince1970: 1_764_000_000))
        #expect(rollup.provinces.isEmpty && !reg.hasProvinces)
        #expect(CSV.parse(rollup.csv()).first?.last == "problems")
        #expect(!rollup.table().contains("Tỉnh / Province") && rollup.province.name.contains("Province"))
    }
}
