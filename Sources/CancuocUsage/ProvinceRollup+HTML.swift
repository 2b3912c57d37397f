import Foundation

extension ProvinceRollup {
    /// A self-contained HTML page: inline CSS and SVG charts, no scripts, no external
    /// resources. Labels in Vietnamese with English.
    public func html(title: String = "Tổng hợp đầu đọc CCCD / CCCD reader inventory") -> String {
        let p = province
        var h = "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
        h += "<title>\(HTML.escape(title))</title><style>"
        h += "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
        h +=
            "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
        h += ".kpi{display:inline-block;margin:0 2em 1em 0;padding:.6em 1em;border:1px solid #bbb;border-radius:6px}"
        h += ".kpi b{display:block;font-size:1.8em}.problem{color:#a00}section{margin-bottom:2em}"
        h += "</style></head><body>\n"
        h += "<h1>\(HTML.escape(title))</h1>\n<p>Lập lúc / Generated: \(InventoryReport.iso(generatedAt))"
        if let n = newestReport { h += " — báo cáo mới nhất / newest report: \(InventoryReport.iso(n))" }
        h += "</p>\n<section id=\"summary\">"
        h += kpi(
            "Cơ sở có đầu đọc hoạt động / Facilities with a working reader",
            "\(p.facilitiesWithWorkingReader) / \(p.facilities)",
            id: "kpi-working-facilities"
        )
        h += kpi("Đầu đọc hiện có / Readers present", "\(p.readersPresent)", id: "kpi-present")
        h += kpi("Nhu cầu khai báo / Declared need", "\(p.declaredReaderNeed)", id: "kpi-need")
        h += kpi("Còn thiếu / Still needed", "\(p.stillNeeded)", id: "kpi-still-needed")
        h += kpi("Không dùng 30 ngày / Idle 30 days", "\(p.readersIdle30Days)", id: "kpi-idle")
        h += kpi(
            "Tỷ lệ lỗi 30 ngày / Failure rate, 30 days",
            InventoryReport.percent(p.failureRate30Days),
            id: "kpi-failure"
        )
        h += kpi(
            "Kiểm tra khuôn mặt 30 ngày / Face checks, 30 days",
            "\(p.faceChecks30Days.values.reduce(0, +))",
            id: "kpi-face-checks"
        )
        h += kpi(
            "Cơ sở có CRL còn hạn / Facilities with a current CRL",
            "\(p.crlStates[.current] ?? 0) / \(p.facilities)",
            id: "kpi-crl-current"
        )
        h += kpi("Vấn đề / Problems", "\(problems.count)", id: "kpi-problems")
        h += "</section>\n"
        h += charts()
        if national {
            h += totalsTable(id: "provinces", title: "Theo tỉnh / Per province", first: "Tỉnh / Province", provinces)
        }
        h += totalsTable(id: "districts", title: "Theo huyện / Per district", first: "Huyện / District", districts)
        h += totalsTable(id: "types", title: "Theo loại cơ sở / Per facility type", first: "Loại / Type", types)
        h += facilityTable() + trustSectionHTML() + problemSection() + definitions()
        return h + "</body></html>\n"
    }

    private func kpi(_ label: String, _ value: String, id: String) -> String {
        "<div class=\"kpi\" id=\"\(id)\"><b>\(HTML.escape(value))</b>\(HTML.escape(label))</div>"
    }

    private func charts() -> String {
        var h = "<section id=\"charts\"><h2>Biểu đồ theo huyện / Charts per district</h2>\n"
        h += "<h3>Cơ sở có đầu đọc hoạt động / Facilities with a working reader</h3>"
        h += SVGBarChart(
            id: "chart-facilities",
            title: "Facilities with a working reader per district",
            series: [
                .init(label: "Có đầu đọc hoạt động / With a working reader", color: "#2a7"),
                .init(label: "Tổng số cơ sở / All facilities", color: "#bbb"),
            ],
            categories: districts.map { ($0.name, [Double($0.facilitiesWithWorkingReader), Double($0.facilities)]) }
        )
        .render()
        h += "\n<h3>Đầu đọc hiện có so với nhu cầu / Readers present vs needed</h3>"
        h += SVGBarChart(
            id: "chart-readers",
            title: "Readers present, working and declared need per district",
            series: [
                .init(label: "Hiện có / Present", color: "#37c"),
                .init(label: "Hoạt động / Working", color: "#2a7"),
                .init(label: "Nhu cầu / Declared need", color: "#e93"),
                .init(label: "Không dùng 30 ngày / Idle", color: "#999"),
            ],
            categories: districts.map {
                (
                    $0.name,
                    [
                        Double($0.readersPresent), Double($0.readersWorking),
                        Double($0.declaredReaderNeed), Double($0.readersIdle30Days),
                    ]
                )
            }
        ).render()
        h += "\n<h3>Tỷ lệ đọc lỗi 30 ngày / Failure rate, 30 days</h3>"
        h += SVGBarChart(
            id: "chart-failures",
            title: "Share of failed reads in the last 30 days per district",
            series: [.init(label: "Tỷ lệ lỗi / Failure rate", color: "#c33")],
            categories: districts.map { ($0.name, [$0.failureRate30Days ?? 0]) },
            format: { String(format: "%.1f%%", $0 * 100) },
            maximum: 1
        ).render()
        return h + "</section>\n"
    }

    private func totalsTable(id: String, title: String, first: String, _ totals: [Totals]) -> String {
        var h = "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2><table><tr>"
        h += [
            first, "Cơ sở / Facilities", "Đã báo cáo / Reporting", "Có đầu đọc hoạt động / With working reader",
            "Hiện có / Present", "Hoạt động / Working", "Nhu cầu / Need", "Còn thiếu / Still needed",
            "Không dùng 30 ngày / Idle", "Lượt đọc 30 ngày / Reads", "Tỷ lệ lỗi / Failure rate",
        ]
        .map { "<th>\(HTML.escape($0))</th>" }.joined()
        h += "</tr>"
        for d in totals + [province] {
            h +=
                "<tr>"
                + [
                    d.name, "\(d.facilities)", "\(d.facilitiesReporting)", "\(d.facilitiesWithWorkingReader)",
                    "\(d.readersPresent)", "\(d.readersWorking)", "\(d.declaredReaderNeed)", "\(d.stillNeeded)",
                    "\(d.readersIdle30Days)", "\(d.reads30Days)", InventoryReport.percent(d.failureRate30Days),
                ]
                .map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        return h + "</table></section>\n"
    }

    private func facilityTable() -> String {
        var h = "<section id=\"facilities\"><h2>Theo cơ sở / Per facility</h2><table><tr>"
        h += [
            "Mã / Id", "Tên / Name", "Huyện / District", "Loại / Type", "Báo cáo / Report", "Hiện có / Present",
            "Hoạt động / Working", "Không dùng / Idle", "Nhu cầu / Need", "Còn thiếu / Still needed",
            "Lượt đọc 30 ngày / Reads", "Tỷ lệ lỗi / Failure rate", "Kiểm tra khuôn mặt 30 ngày / Face checks",
            "CRL", "CRL mới nhất / Newest CRL", "Gói tin cậy / Trust packages", "Vấn đề / Problems",
        ]
        .map { "<th>\(HTML.escape($0))</th>" }.joined()
        h += "</tr>"
        let sorted = rows.sorted { ($0.facility.district, $0.facility.id) < ($1.facility.district, $1.facility.id) }
        for r in sorted {
            let f = r.facility
            h +=
                "<tr>"
                + [
                    f.id, f.name, f.district, f.type, r.generatedAt.map(InventoryReport.iso) ?? "—",
                    "\(r.readersPresent)", "\(r.readersWorking)", "\(r.readersIdle30Days)",
                    "\(f.declaredReaderNeed)", "\(r.stillNeeded)", "\(r.reads30Days)",
                    InventoryReport.percent(r.failureRate30Days), faceCell(r), r.crlState.label, newestCRLCell(r),
                    r.trust?.packageList.replacingOccurrences(of: ";", with: ", ") ?? "—",
                    r.problems.map(\.rawValue).joined(separator: ", "),
                ]
                .map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        return h + "</table></section>\n"
    }

    private func problemSection() -> String {
        var h = "<section id=\"problems\"><h2>Vấn đề / Problems (\(problems.count))</h2>"
        guard !problems.isEmpty else { return h + "<p>Không có / None.</p></section>\n" }
        h +=
            "<table><tr><th>Loại / Kind</th><th>Tệp / File</th><th>Cơ sở / Facility</th><th>Chi tiết / Detail</th></tr>"
        for p in problems {
            h +=
                "<tr class=\"problem\">"
                + [p.kind.rawValue, p.source, p.facilityID ?? "—", p.detail]
                .map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        return h + "</table></section>\n"
    }

    private func definitions() -> String {
        """
        <section id="definitions"><h2>Định nghĩa / Definitions</h2><ul>
        <li>Đầu đọc hoạt động: đang cắm và có ít nhất một lượt đọc thành công trong 30 ngày trước ngày lập báo cáo. / Working reader: present, with at least one successful read in the 30 days before its report.</li>
        <li>Không dùng 30 ngày: đang cắm nhưng không có lượt đọc nào trong 30 ngày. / Idle: present, no read at all in those 30 days.</li>
        <li>Còn thiếu = nhu cầu khai báo − đầu đọc hoạt động (không âm), theo từng cơ sở. / Still needed = declared need − working readers (at least 0), per facility.</li>
        <li>CRL: trạng thái CRL mới nhất của cơ sở (được CSCA tin cậy ký) lúc lập bảng: còn hạn, hết hạn (quá ngày nextUpdate: không kiểm tra được thẻ bị thu hồi), chưa có CRL, hoặc không rõ (không có báo cáo, hoặc phiên bản cũ không báo). / CRL: the state of the facility's newest CRL (signed by a trusted CSCA) when this table was made: current, expired (past its nextUpdate: revocation is not checked), no CRL, or unknown (no report, or an older version that does not say).</li>
        <li>Báo cáo không được tính: cơ sở không có trong danh mục, báo cáo trùng (giữ bản mới nhất), báo cáo cũ hơn \(Self.staleAfterDays) ngày so với báo cáo mới nhất. / Not counted: unknown facility, older duplicates (the newest is kept), reports generated more than \(Self.staleAfterDays) days before the newest.</li>
        </ul></section>

        """
    }
}
