import ArgumentParser
import CancuocUsage
import CardService
import Foundation
import MRTD

/// `cancuoc inventory`: this clinic's reader report from the usage log, and the province
/// roll-up of collected reports (docs/inventory.md).
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Print this clinic's reader inventory, or roll up the province's reports.",
        subcommands: [InventoryShowCommand.self, InventoryRollupCommand.self],
        defaultSubcommand: InventoryShowCommand.self
    )
}

/// `cancuoc inventory [--json|--csv] [--db PATH]`.
struct InventoryShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "This clinic's readers: present, last used, reads and failures per day, 7 and 30 days."
    )

    @Flag(help: "Print the JSON report (the file a clinic sends to the province).")
    var json = false

    @Flag(help: "Print CSV, one row per reader.")
    var csv = false

    @Option(help: "The usage database.")
    var db = UsageStore.defaultPath

    @Option(help: "The trust directory whose CSCAs, newest CRL and trust packages the report shows.")
    var trust = TrustStore.defaultDirectory.path

    func validate() throws {
        if json && csv { throw ValidationError("--json and --csv exclude each other") }
    }

    func run() async throws {
        guard FileManager.default.fileExists(atPath: db) else {
            Output.error("no usage database at \(db): has cancuocd run here? (use --db PATH)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        var report: InventoryReport
        do {
            // Checked read-only first: opening a damaged file read-write could write into it.
            if UsageDatabaseRecovery.isDamaged(path: db) { throw UsageDatabaseRecovery.Damaged() }
            let store: UsageStore
            do {
                store = try UsageStore(path: db)
            } catch {
                store = try UsageStore(readingOnly: db)
            }
            report = try store.report()
        } catch  where UsageDatabaseRecovery.isDamage(error) {
            Output.error(Self.damagedAdvice(db))
            throw ExitCode(ExitStatus.failure.rawValue)
        } catch {
            Output.error("cannot read the usage database \(db): \(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        report.trust = TrustInventory(directory: trust)
        if json {
            do {
                Output.line(String(decoding: try report.jsonData(), as: UTF8.self))
            } catch {
                Output.error("cannot encode the report: \(error)")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        } else if csv {
            FileHandle.standardOutput.write(Data(report.csv().utf8))
        } else {
            FileHandle.standardOutput.write(Data(report.table().utf8))
        }
    }
}
