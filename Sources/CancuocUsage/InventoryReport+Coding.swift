// Absent values are written as `null`, never left out (docs/design.md §9.1), so a spreadsheet
// or script reading the province's files sees the same keys in every report.

import Foundation

extension InventoryReport {
    enum CodingKeys: String, CodingKey {
        case format, facility, generatedAt, software, retentionDays, lostEvents, readers, totals, usageLogDamage, trust
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(facility, forKey: .facility)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(software, forKey: .software)
        try c.encode(retentionDays, forKey: .retentionDays)
        try c.encode(lostEvents, forKey: .lostEvents)
        try c.encode(readers, forKey: .readers)
        try c.encode(totals, forKey: .totals)
        try c.encode(usageLogDamage, forKey: .usageLogDamage)
        try c.encode(trust, forKey: .trust)
    }
}

extension InventoryReport.Facility {
    enum CodingKeys: String, CodingKey { case id, name }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
    }
}

extension InventoryReport.Reader {
    enum CodingKeys: String, CodingKey {
        case id, name, vid, pid, vendor, product, serial, firmware, kind, present, working, idle30Days
        case firstSeen, lastSeen, lastUsed, lastOK, usage
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            vid: try c.decodeIfPresent(String.self, forKey: .vid),
            pid: try c.decodeIfPresent(String.self, forKey: .pid),
            vendor: try c.decodeIfPresent(String.self, forKey: .vendor),
            product: try c.decodeIfPresent(String.self, forKey: .product),
            serial: try c.decodeIfPresent(String.self, forKey: .serial),
            firmware: try c.decodeIfPresent(String.self, forKey: .firmware),
            present: try c.decode(Bool.self, forKey: .present),
            firstSeen: try c.decode(Date.self, forKey: .firstSeen),
            lastSeen: try c.decode(Date.self, forKey: .lastSeen),
            lastUsed: try c.decodeIfPresent(Date.self, forKey: .lastUsed),
            lastOK: try c.decodeIfPresent(Date.self, forKey: .lastOK),
            usage: try c.decode(InventoryReport.Usage.self, forKey: .usage)
        )
    }

    /// `kind`, `working` and `idle30Days` are written for readers of the file; they are derived,
    /// so decoding ignores them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(vid, forKey: .vid)
        try c.encode(pid, forKey: .pid)
        try c.encode(vendor, forKey: .vendor)
        try c.encode(product, forKey: .product)
        try c.encode(serial, forKey: .serial)
        try c.encode(firmware, forKey: .firmware)
        try c.encode(kind, forKey: .kind)
        try c.encode(present, forKey: .present)
        try c.encode(working, forKey: .working)
        try c.encode(idle30Days, forKey: .idle30Days)
        try c.encode(firstSeen, forKey: .firstSeen)
        try c.encode(lastSeen, forKey: .lastSeen)
        try c.encode(lastUsed, forKey: .lastUsed)
        try c.encode(lastOK, forKey: .lastOK)
        try c.encode(usage, forKey: .usage)
    }
}

extension InventoryReport.Usage {
    enum CodingKeys: String, CodingKey {
        case lastDay, last7Days, last30Days, medianReadMs, outcomes30Days, faceChecks30Days
    }

    /// `faceChecks30Days` may be missing: reports of versions before face checks.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            lastDay: try c.decode(InventoryReport.Window.self, forKey: .lastDay),
            last7Days: try c.decode(InventoryReport.Window.self, forKey: .last7Days),
            last30Days: try c.decode(InventoryReport.Window.self, forKey: .last30Days),
            medianReadMs: try c.decodeIfPresent(Int.self, forKey: .medianReadMs),
            outcomes30Days: try c.decode([String: Int].self, forKey: .outcomes30Days),
            faceChecks30Days: try c.decodeIfPresent([String: Int].self, forKey: .faceChecks30Days) ?? [:]
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lastDay, forKey: .lastDay)
        try c.encode(last7Days, forKey: .last7Days)
        try c.encode(last30Days, forKey: .last30Days)
        try c.encode(medianReadMs, forKey: .medianReadMs)
        try c.encode(outcomes30Days, forKey: .outcomes30Days)
        try c.encode(faceChecks30Days, forKey: .faceChecks30Days)
    }
}
