import Foundation
import GRDB

/// Face checks in the clinic's report (docs/inventory.md): per reader and in the totals, the
/// checks of the last 30 days by decision. Decisions only: no distance, no image.
extension InventoryReport {
    /// All face checks of the last 30 days, every reader together.
    public var faceChecks30Days: Int { totals.faceChecks30Days.values.reduce(0, +) }

    /// Why the face check counts cannot be true, or nil (part of `implausibility`).
    var faceCheckImplausibility: String? {
        for r in readers {
            let counts = r.usage.faceChecks30Days
            guard counts.count <= 64, counts.values.allSatisfy({ (0...10_000_000).contains($0) }) else {
                return "reader \(r.id): face checks \(counts.count) decisions out of range"
            }
        }
        return nil
    }

    /// The terminal line under the table, nil without face checks.
    var faceCheckLine: String? {
        guard faceChecks30Days > 0 else { return nil }
        return "Kiểm tra khuôn mặt 30 ngày / Face checks, 30 days: \(Self.outcomeList(totals.faceChecks30Days))\n"
    }
}

extension UsageStore {
    /// The face checks of `since...until` into each reader's usage and the totals.
    static func addFaceChecks(to report: inout InventoryReport, since: Double, until: Double, in db: Database) throws {
        let checks = try faceChecks(since: since, until: until, in: db)
        var totals: [String: Int] = [:]
        for i in report.readers.indices {
            let counts = checks[report.readers[i].id] ?? [:]
            report.readers[i].usage.faceChecks30Days = counts
            totals.merge(counts, uniquingKeysWith: +)
        }
        report.totals.faceChecks30Days = totals
    }
}

extension ProvinceRollup.Totals {
    /// The roll-up's face check line, nil without face checks. From the clinics' JSON reports;
    /// the roll-up from Prometheus does not carry face checks yet (docs/inventory.md).
    var faceCheckLine: String? {
        let total = faceChecks30Days.values.reduce(0, +)
        guard total > 0 else { return nil }
        return "Kiểm tra khuôn mặt 30 ngày / Face checks, 30 days: \(total) "
            + "(\(InventoryReport.outcomeList(faceChecks30Days)))\n"
    }
}
