import ArgumentParser
import CancuocUsage
import CardService
import Foundation
import PrometheusClient

/// `cancuoc inventory rollup --registry facilities.csv [--prometheus URL] [REPORT.json...] [--out DIR]`:
/// the clinic reports from the province's Prometheus, from collected files, or both.
struct InventoryRollupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Province roll-up: a table, inventory-rollup.csv and inventory-rollup.html (self-contained)."
    )

    @Option(help: "The facility registry CSV (id,name,district,type,declaredReaderNeed).")
    var registry: String

    @Option(help: "Directory for inventory-rollup.csv and inventory-rollup.html.")
    var out = "."

    @Option(
        help: ArgumentHelp(
            "The province's Prometheus (or Thanos, Mimir, VictoriaMetrics): the clinics' figures as their agents sent them.",
            valueName: "url"
        )
    )
    var prometheus: String?

    @Option(
        name: .customLong("prometheus-header"),
        help: ArgumentHelp(
            "An HTTP header for every query, e.g. 'X-Scope-OrgID: soyte' (repeatable).",
            valueName: "name: value"
        )
    )
    var prometheusHeaders: [String] = []

    @Option(
        name: .customLong("prometheus-user"),
        help: ArgumentHelp("The user name for the Prometheus's basic auth.", valueName: "name")
    )
    var prometheusUser: String?

    @Option(
        name: .customLong("prometheus-password-file"),
        help: ArgumentHelp(
            "A file holding the password of --prometheus-user (its first line), kept out of the command line.",
            valueName: "path"
        )
    )
    var prometheusPasswordFile: String?

    @Option(
        help: ArgumentHelp(
            "Which series to read: recorded aggregates (cancuoc-recorded.rules.yml), raw samples, or auto (recorded when they cover 35 days).",
            valueName: "auto|recorded|raw"
        )
    )
    var source: PrometheusInventory.Source = .auto

    @Option(
        help: ArgumentHelp(
            "The roll-up as of this time (Unix seconds or ISO 8601 UTC), for example to compare two runs; default now.",
            valueName: "time"
        )
    )
    var at: String?

    @Option(help: "Seconds to wait for each Prometheus query.")
    var timeout: Double = 120

    @Argument(help: "Clinic reports (cancuoc inventory --json), for facilities without network.")
    var reports: [String] = []

    func validate() throws {
        if prometheus == nil && reports.isEmpty {
            throw ValidationError(
                "Cần --prometheus URL hoặc tệp báo cáo / Give --prometheus URL, report files, or both."
            )
        }
        guard timeout > 0, timeout <= 3600 else {
            throw ValidationError("--timeout: từ 0 đến 3600 giây / between 0 and 3600 seconds.")
        }
        if let at, Self.time(at) == nil {
            throw ValidationError("--at '\(at)': cần giây Unix hoặc ISO 8601 / expected Unix seconds or ISO 8601 UTC.")
        }
        for header in prometheusHeaders where Self.header(header) == nil {
            throw ValidationError("--prometheus-header '\(header)': cần dạng / expected 'Name: value'.")
        }
        try validateCredentials()
    }

    static func header(_ text: String) -> (String, String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            return nil
        }
        return (name, value)
    }

    static func time(_ text: String) -> Date? {
        if let seconds = Double(text), seconds.isFinite, seconds > 0, seconds < 1e11 {
            return Date(timeIntervalSince1970: seconds)
        }
        return ISO8601DateFormatter().date(from: text)
    }

    func run() async throws {
        guard let registryData = FileManager.default.contents(atPath: registry) else {
            Output.error("Không đọc được danh mục cơ sở / Cannot read the registry \(registry)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        let reg: FacilityRegistry
        do {
            reg = try FacilityRegistry.parse(
                csv: String(decoding: registryData, as: UTF8.self),
                provinces: ProvinceMapping.resolver
            )
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        if reg.hasProvinces && ProvinceMapping.resolver == nil {
            Output.error(
                "tên tỉnh lấy nguyên như trong danh mục (chưa có bảng sáp nhập) / provinces taken as written in the registry (no mapping of former provinces in this build)"
            )
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
                    unreadable.append(
                        (
                            path,
                            "report format \(report.format) is newer than this cancuoc (\(InventoryReport.currentFormat))"
                        )
                    )
                    continue
                }
                inputs.append(.init(source: path, report: report))
            } catch {
                unreadable.append((path, "not an inventory report: \(error)"))
            }
        }
        let now = at.flatMap(Self.time) ?? Date()
        if let prometheus {
            do {
                let client = try PrometheusHTTPClient(
                    url: prometheus,
                    timeout: timeout,
                    headers: prometheusHeaders.compactMap(Self.header) + basicAuthorization()
                )
                let reading = try await PrometheusInventory(client: client).reading(at: now, source: source)
                inputs += reading.inputs
                Output.error(reading.description)
            } catch {
                Output.error("\(error)")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
        let rollup = ProvinceRollup(registry: reg, inputs: inputs, unreadable: unreadable, now: now)
        let dir = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(rollup.csv().utf8).write(to: dir.appendingPathComponent("inventory-rollup.csv"), options: .atomic)
            try Data(rollup.html().utf8).write(
                to: dir.appendingPathComponent("inventory-rollup.html"),
                options: .atomic
            )
        } catch {
            Output.error("cannot write the roll-up to \(out): \(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        FileHandle.standardOutput.write(Data(rollup.table().utf8))
        Output.line("\nCSV: \(dir.appendingPathComponent("inventory-rollup.csv").path)")
        Output.line("HTML: \(dir.appendingPathComponent("inventory-rollup.html").path)")
    }
}

extension PrometheusInventory.Source: ExpressibleByArgument {}
