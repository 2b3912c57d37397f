import Foundation

extension InventoryReport {
    /// One row per reader (and none when there is no reader), for a spreadsheet.
    public func csv() -> String {
        var out = CSV.line([
            "facilityId", "facilityName", "generatedAt", "readerId", "name", "vid", "pid", "vendor",
            "product", "serial", "firmware", "kind", "present", "working", "firstSeen", "lastSeen",
            "lastUsed", "lastOK", "reads24h", "failed24h", "reads7d", "failed7d", "reads30d",
            "failed30d", "failureRate30d", "medianReadMs30d", "outcomes30d", "faceChecks30d", "lostEvents",
        ])
        for r in readers {
            let u = r.usage
            out += CSV.line([
                facility.id ?? "", facility.name ?? "", Self.iso(generatedAt), r.id, r.name,
                r.vid ?? "", r.pid ?? "", r.vendor ?? "", r.product ?? "", r.serial ?? "",
                r.firmware ?? "", r.kind.rawValue, r.present ? "1" : "0", r.working ? "1" : "0",
                Self.iso(r.firstSeen), Self.iso(r.lastSeen), r.lastUsed.map(Self.iso) ?? "",
                r.lastOK.map(Self.iso) ?? "",
                "\(u.lastDay.reads)", "\(u.lastDay.failed)", "\(u.last7Days.reads)",
                "\(u.last7Days.failed)", "\(u.last30Days.reads)", "\(u.last30Days.failed)",
                u.last30Days.failureRate.map { String(format: "%.4f", $0) } ?? "",
                u.medianReadMs.map(String.init) ?? "", Self.outcomeList(u.outcomes30Days),
                Self.outcomeList(u.faceChecks30Days), "\(lostEvents)",
            ])
        }
        return out
    }

    /// The terminal view, Vietnamese with English.
    public func table() -> String {
        var out = "Cơ sở / Facility: \(facility.name ?? "—") (\(facility.id ?? "no id / chưa cấu hình"))\n"
        out += "Lập lúc / Generated: \(Self.iso(generatedAt))   \(software)\n"
        out += "Đầu đọc thẻ căn cước / ID-card readers: \(idCardReaders.count), đang cắm / present: \(presentReaders), "
        out += "hoạt động / working: \(workingReaders)\n"
        if lostEvents > 0 { out += "⚠ Sự kiện bị mất / Lost events: \(lostEvents)\n" }
        if let d = usageLogDamage { out += d.sentence + "\n" }
        if let t = trust { out += t.sentence(now: generatedAt) + "\n" }
        out += "\n"
        let header = ["Reader", "Present", "Last used", "24h", "7d", "30d", "Fail% 30d", "Median ms"]
        var rows = idCardReaders.map { r in
            [
                r.id, r.present ? "yes" : "no", r.lastUsed.map(Self.iso) ?? "never",
                Self.window(r.usage.lastDay), Self.window(r.usage.last7Days), Self.window(r.usage.last30Days),
                Self.percent(r.usage.last30Days.failureRate), r.usage.medianReadMs.map(String.init) ?? "—",
            ]
        }
        rows.append([
            "Tổng / Total", "\(presentReaders)", "", Self.window(totals.lastDay),
            Self.window(totals.last7Days), Self.window(totals.last30Days),
            Self.percent(totals.last30Days.failureRate), totals.medianReadMs.map(String.init) ?? "—",
        ])
        out += TextTable.render(header: header, rows: rows)
        let others = contactOnlyReaders
        if !others.isEmpty {
            out += "\nKhông tính là đầu đọc thẻ căn cước (chỉ đọc thẻ tiếp xúc, ví dụ token chữ ký số) / "
            out += "Not counted as ID-card readers (contact cards only, e.g. signature tokens): \(others.count)\n"
            for r in others { out += "  \(r.id)" + (r.present ? " (đang cắm / present)" : "") + "\n" }
        }
        if !totals.outcomes30Days.isEmpty {
            out += "\nKết quả 30 ngày / Outcomes, 30 days: \(Self.outcomeList(totals.outcomes30Days))\n"
        }
        if let line = faceCheckLine { out += line }
        return out
    }

    static func window(_ w: Window) -> String { "\(w.reads) (\(w.failed) fail)" }

    static func percent(_ r: Double?) -> String { r.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    static func outcomeList(_ o: [String: Int]) -> String {
        o.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: d)
    }
}

/// A plain left-aligned text table.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c + String(repeating: " ", count: max(0, widths[i] - c.count)) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }
}
