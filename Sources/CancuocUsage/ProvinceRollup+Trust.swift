import Foundation

/// Which clinics' trust is current, in the province roll-up (docs/inventory.md, "Trust"): per
/// facility the clinic's `TrustInventory` as its report (or its metrics) gave it, and the state of
/// its newest CRL at the roll-up's time. The JSON reports and the Prometheus path fill the same
/// fields; a report without `trust` (a daemon older than trust in the inventory) is `unknown`.
extension TrustInventory {
    /// The newest CRL's state at a time.
    public enum CRLState: String, Sendable, Codable, CaseIterable, Comparable {
        /// A CRL verified under a trusted CSCA whose nextUpdate is still ahead (or has none).
        case current
        /// The newest CRL is past its nextUpdate: revocation is no longer checked.
        case expired
        /// No CRL that verifies under a trusted CSCA: revocation is not checked.
        case none
        /// The report or the metrics say nothing about trust (no report, or an older daemon).
        case unknown

        /// Worst first in lists: expired, none, unknown, current.
        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
        private var rank: Int {
            switch self {
            case .expired: 0
            case .none: 1
            case .unknown: 2
            case .current: 3
            }
        }
    }

    /// The state of the newest CRL at `now`. A CRL without nextUpdate never expires (RFC 5280
    /// makes the field mandatory for conforming CAs; the verification does not expire it either).
    public func crlState(at now: Date) -> CRLState {
        if let next = newestCRLNextUpdate { return next < now ? .expired : .current }
        return newestCRLIssued == nil ? .none : .current
    }

    /// Whole days from the newest CRL's issue (thisUpdate) to `now`, nil without a CRL.
    public func crlAgeDays(at now: Date) -> Int? {
        newestCRLIssued.map { max(0, Int(now.timeIntervalSince($0) / 86_400)) }
    }

    /// `name=version` (or `name` when the version is unknown), by name, `;`-separated; "" without packages.
    public var packageList: String {
        packages.sorted { $0.name < $1.name }.map { p in p.version.map { "\(p.name)=\($0)" } ?? p.name }
            .joined(separator: ";")
    }

    /// Why the trust figures cannot be true, or nil (part of `InventoryReport.implausibility`).
    var implausibility: String? {
        guard (0...100_000).contains(cscas) else { return "trust: \(cscas) CSCAs" }
        guard packages.count <= 1000 else { return "trust: \(packages.count) packages" }
        return nil
    }
}

extension TrustInventory.CRLState {
    /// What the state means for the clinic, a sentence in Vietnamese and English; `trust` gives
    /// the dates (nil: no report or no trust in it).
    public func sentence(_ trust: TrustInventory?) -> String {
        let day = { (d: Date) in String(InventoryReport.iso(d).prefix(10)) }
        switch self {
        case .current:
            guard let next = trust?.newestCRLNextUpdate else {
                return "CRL còn hiệu lực (không ghi hạn) / The CRL is current (no expiry date)."
            }
            return "CRL còn hạn đến \(day(next)) / The CRL is current until \(day(next))."
        case .expired:
            let on = trust?.newestCRLNextUpdate.map(day) ?? "?"
            return
                "CRL đã hết hạn ngày \(on): không kiểm tra được thẻ bị thu hồi / The CRL expired on \(on): revocation is not checked."
        case .none:
            return "Chưa có CRL: không kiểm tra được thẻ bị thu hồi / No CRL: revocation is not checked."
        case .unknown:
            return
                "Không rõ: báo cáo không có thông tin tin cậy (phiên bản cũ hoặc không có báo cáo) / Unknown: no trust information (an older version, or no report)."
        }
    }

    /// The short label of the tables, Vietnamese with English.
    public var label: String {
        switch self {
        case .current: "còn hạn / current"
        case .expired: "hết hạn / expired"
        case .none: "chưa có CRL / no CRL"
        case .unknown: "không rõ / unknown"
        }
    }
}

extension ProvinceRollup.FacilityRow {
    /// The sentence of the facility's trust: its CRL's state and its CSCAs.
    public var trustSentence: String {
        var s = crlState.sentence(trust)
        if let trust, trust.cscas == 0 {
            s += " Không có CSCA nào: không xác thực được thẻ / No CSCA: no card can be verified."
        }
        return s
    }

    /// The CSV's trust columns: trustCSCAs, crlState, crlIssued, crlNextUpdate, crlAgeDays,
    /// trustPackages (empty where unknown).
    var trustColumns: [String] {
        [
            trust.map { "\($0.cscas)" } ?? "", crlState.rawValue,
            trust?.newestCRLIssued.map(InventoryReport.iso) ?? "",
            trust?.newestCRLNextUpdate.map(InventoryReport.iso) ?? "", crlAgeDays.map { "\($0)" } ?? "",
            trust?.packageList ?? "",
        ]
    }

    /// Sets the trust columns from the accepted report, at the roll-up's time.
    mutating func acceptTrust(_ report: InventoryReport, now: Date) {
        trust = report.trust
        crlState = report.trust?.crlState(at: now) ?? .unknown
        crlAgeDays = report.trust?.crlAgeDays(at: now)
    }
}

extension ProvinceRollup.Totals {
    /// "CRL còn hạn / current 3, hết hạn / expired 1, …", every state, worst first.
    var crlStateList: String {
        TrustInventory.CRLState.allCases.sorted().map { "\($0.label) \(crlStates[$0] ?? 0)" }
            .joined(separator: ", ")
    }

    /// The table's trust line.
    var trustLine: String {
        "Tin cậy (CRL mới nhất) / Trust (newest CRL): \(crlStateList)\n"
    }
}

extension ProvinceRollup {
    /// Facilities with a report whose trust is not current, worst first, then by id: the ones the
    /// province must look at. Facilities without a report are left out (they have no report at all).
    public var trustNotCurrent: [FacilityRow] {
        rows.filter { $0.source != nil && $0.crlState != .current }
            .sorted { ($0.crlState, $0.facility.id) < ($1.crlState, $1.facility.id) }
    }

    /// The table's trust section: one line per facility whose trust is not current.
    var trustSection: String {
        let list = trustNotCurrent
        var out = "Tin cậy chưa cập nhật / Trust not current: \(list.isEmpty ? "none / không có" : "\(list.count)")\n"
        for r in list {
            out += "  \(r.facility.id) \(r.facility.name): \(r.trustSentence)\n"
        }
        return out
    }
}

extension ProvinceRollup {
    /// The facility table's face check cell: the total, and the decisions when there are any.
    func faceCell(_ r: FacilityRow) -> String {
        let total = r.faceChecks30Days.values.reduce(0, +)
        return total == 0 ? "0" : "\(total) (\(InventoryReport.outcomeList(r.faceChecks30Days)))"
    }

    /// The facility table's newest CRL cell: issue date and age, "—" without one.
    func newestCRLCell(_ r: FacilityRow) -> String {
        guard let issued = r.trust?.newestCRLIssued else { return "—" }
        return "\(InventoryReport.iso(issued).prefix(10)) (\(r.crlAgeDays ?? 0) ngày / days)"
    }

    /// The HTML section of the facilities whose trust is not current, with the sentence of each.
    func trustSectionHTML() -> String {
        let list = trustNotCurrent
        var h = "<section id=\"trust\"><h2>Tin cậy chưa cập nhật / Trust not current (\(list.count))</h2>"
        h += "<p>\(HTML.escape(province.crlStateList))</p>"
        guard !list.isEmpty else { return h + "<p>Không có / None.</p></section>\n" }
        h += "<table><tr><th>Mã / Id</th><th>Tên / Name</th><th>Huyện / District</th><th>CRL</th>"
        h += "<th>Chi tiết / Detail</th></tr>"
        for r in list {
            h +=
                "<tr class=\"problem\" data-crl=\"\(r.crlState.rawValue)\">"
                + [r.facility.id, r.facility.name, r.facility.district, r.crlState.label, r.trustSentence]
                .map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>"
        }
        return h + "</table></section>\n"
    }
}
