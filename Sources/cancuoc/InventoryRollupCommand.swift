import ArgumentParser
import CancuocUsage
import CardService
import Foundation

/// `cancuoc inventory rollup --registry facilities.csv REPORT.json... [--out DIR]`.
struct InventoryRollupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Province roll-up: a table, inventory-rollup.csv and inventory-rollup.html (self-contained)."
    )

    @Option(help: "The facility registry CSV (id,name,district,type,declaredReaderNeed).")
    var registry: String

    @Option(help: "Directory for inventory-rollup.csv and inventory-rollup.html.")
    var out = "."

    @Argument(help: "Clinic reports (cancuoc inventory --json).")
    var reports: [String] = []

    func run() async throws {
        guard let registryData = FileManager.default.contents(atPath: registry) else {
            Output.error("cannot read the registry \(registry)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        let reg: FacilityRegistry
        do {
            reg = try FacilityRegistry.parse(csv: String(decoding: registryData, as: UTF8.self))
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        var inputs: [ProvinceRollup.Input] = []
        var unreadable: [(source: String, reason: String)] = []
        for path in reports {
            guard let data = FileManager.default.contents(atPath: path) else {
                unreadable.append((path, "cannot read the file"))
                continue
            }
            do {
                let report = try InventoryReport.decode(data)
                guard report.format <= InventoryReport.currentFormat else {
                    unreadable.append((path, "report format \(report.format) is newer than this cancuoc (\(InventoryReport.currentFormat))"))
                    continue
                }
                inputs.append(.init(source: path, report: report))
            } catch {
                unreadable.append((path, "not an inventory report: \(error)"))
            }
        }
        let rollup = ProvinceRollup(registry: reg, inputs: inputs, unreadable: unreadable)
        let dir = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(rollup.csv().utf8).write(to: dir.appendingPathComponent("inventory-rollup.csv"), options: .atomic)
            try Data(rollup.html().utf8).write(to: dir.appendingPathComponent("inventory-rollup.html"), options: .atomic)
        } catch {
            Output.error("cannot write the roll-up to \(out): \(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        FileHandle.standardOutput.write(Data(rollup.table().utf8))
        Output.line("\nCSV: \(dir.appendingPathComponent("inventory-rollup.csv").path)")
        Output.line("HTML: \(dir.appendingPathComponent("inventory-rollup.html").path)")
    }
}
