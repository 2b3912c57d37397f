import Foundation

extension ProvinceRollup {
    /// A national roll-up (the registry names provinces): the CSV adds the province columns.
    var national: Bool { !provinces.isEmpty }

    /// One row per registry facility, then one per report that was not counted
    /// (unknown facility, unreadable, older duplicate). The `problems` column flags them.
    public func csv() -> String {
        var out = CSV.line(
            [
                "facilityId", "name", "district", "type", "declaredReaderNeed", "reported", "report",
                "reportGeneratedAt", "readersPresent", "readersWorking", "readersIdle30d",
                "hasWorkingReader", "stillNeeded", "reads30d", "failed30d", "failureRate30d",
                "lostEvents", "faceChecks30d", "faceCheckDecisions30d", "trustCSCAs", "crlState", "crlIssued",
                "crlNextUpdate", "crlAgeDays", "trustPackages", "problems",
            ] + (national ? ["province", "provinceCode", "formerProvince"] : [])
        )
        for r in rows {
            let f = r.facility
            out += CSV.line(
                [
                    f.id, f.name, f.district, f.type, "\(f.declaredReaderNeed)", r.source == nil ? "0" : "1",
                    r.source ?? "", r.generatedAt.map(InventoryReport.iso) ?? "",
                    "\(r.readersPresent)", "\(r.readersWorking)", "\(r.readersIdle30Days)",
                    r.hasWorkingReader ? "1" : "0", "\(r.stillNeeded)", "\(r.reads30Days)",
                    "\(r.failed30Days)", r.failureRate30Days.map { String(format: "%.4f", $0) } ?? "",
                    "\(r.lostEvents)", "\(r.faceChecks30Days.values.reduce(0, +))",
                    InventoryReport.outcomeList(r.faceChecks30Days),
                ] + r.trustColumns + [
                    r.problems.map(\.rawValue).joined(separator: ";")
                ]
                    + (national
                        ? [f.province?.current ?? "", f.province?.code ?? "", f.province?.former ?? ""] : [])
            )
        }
        for p in problems where p.kind != .stale {
            out += CSV.line(
                [
                    p.facilityID ?? "", "", "", "", "", "0", p.source, "", "", "", "", "", "", "", "", "",
                    "", "", "", "", "", "", "", "", "", "\(p.kind.rawValue): \(p.detail)",
                ] + (national ? ["", "", ""] : [])
            )
        }
        return out
    }

    /// The terminal summary: province, districts, problems.
    public func table() -> String {
        let p = province
        var out = "Tổng hợp đầu đọc CCCD / Province reader inventory — \(InventoryReport.iso(generatedAt))\n"
        out += "Cơ sở có đầu đọc hoạt động / Facilities with a working reader: "
        out += "\(p.facilitiesWithWorkingReader)/\(p.facilities)\n"
        out += "Cơ sở đã gửi báo cáo / Facilities reporting: \(p.facilitiesReporting)/\(p.facilities)\n"
        out += "Đầu đọc đang cắm / Readers present: \(p.readersPresent); hoạt động / working: \(p.readersWorking); "
        out += "nhu cầu / declared need: \(p.declaredReaderNeed); còn thiếu / still needed: \(p.stillNeeded)\n"
        out += "Đầu đọc không dùng 30 ngày / Readers idle 30 days: \(p.readersIdle30Days)\n"
        out += "Lượt đọc 30 ngày / Reads, 30 days: \(p.reads30Days), lỗi / failed: \(p.failed30Days) "
        out += "(\(InventoryReport.percent(p.failureRate30Days)))\n"
        if let line = p.faceCheckLine { out += line }
        out += p.trustLine
        out += "\n"
        let sections = [("Tỉnh / Province", provinces), ("Huyện / District", districts), ("Loại / Type", types)]
        for (first, totals) in sections where !totals.isEmpty {
            let header = [
                first, "Facilities", "Working", "Present", "Need", "Still needed", "Idle 30d", "Reads 30d", "Fail%",
            ]
            let rows = (totals + [p]).map { d in
                [
                    d.name, "\(d.facilities)", "\(d.facilitiesWithWorkingReader)", "\(d.readersPresent)",
                    "\(d.declaredReaderNeed)", "\(d.stillNeeded)", "\(d.readersIdle30Days)", "\(d.reads30Days)",
                    InventoryReport.percent(d.failureRate30Days),
                ]
            }
            out += TextTable.render(header: header, rows: rows) + "\n"
        }
        out += trustSection
        out += "Vấn đề / Problems: \(problems.isEmpty ? "none / không có" : "\(problems.count)")\n"
        for pr in problems {
            out += "  [\(pr.kind.rawValue)] \(pr.source): \(pr.detail)\n"
        }
        return out
    }
}
