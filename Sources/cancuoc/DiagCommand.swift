import ArgumentParser
import CardService
import Foundation
import Logging

/// `cancuoc diag`: why a reader "does not work", in one command, with the fix.
struct DiagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diag",
        abstract: "Diagnose a reader for a technician: each step ok / warning / fail, with the fix.",
        discussion: """
            Checks pcscd, the readers, the reader's identity and driver support, its features, the \
            card and its ATR, the ID card application and its access protocols, round-trip time and \
            response size; with a key (--id …) also a full test read. Personal data is shown only \
            with --show. Exits 0 when every step is ok or a warning, else with the code of the first \
            failure (2 no reader/card, 3 wrong key, 4 card removed, 5 unreadable, 7 pcscd).
            """
    )

    @Option(
        help:
            "Reader: stable id or PC/SC name (default: every reader, the ID-card reader marked; the test read runs on it)."
    )
    var reader: String?
    @OptionGroup var key: KeyOptions
    @Flag(help: "Print the report as JSON.")
    var json = false
    @Flag(help: "Show the name and ID number read in the test read.")
    var show = false

    func run() async throws {
        CLILogging.bootstrap
        let report = await ReaderDiagnostics(reader: reader, key: key.spec, showPersonalData: show).run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Output.line(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            Self.print(report.steps, indent: "")
            for r in report.readers ?? [] {
                let role =
                    r.isIDCardReader == true
                    ? "đầu đọc thẻ căn cước (the ID-card reader)"
                    : r.kind == .contactOnly
                        ? "chỉ đọc thẻ tiếp xúc, không dùng cho thẻ căn cước (contact cards only: not used for ID cards)"
                        : "đầu đọc khác (another reader)"
                Output.line("")
                Output.line("\(r.reader ?? "?"): \(role)")
                Self.print(r.steps, indent: "  ")
            }
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    static func print(_ steps: [DiagnosticStep], indent: String) {
        for step in steps {
            let mark: String
            switch step.status {
            case .ok: mark = "✓"
            case .warning: mark = "!"
            case .fail: mark = "✗"
            case .skipped: mark = "-"
            }
            Output.line("\(indent)\(mark) \(step.titleVi) (\(step.title)): \(step.detail)")
            if let fixVi = step.fixVi { Output.line("\(indent)    → \(fixVi)") }
            if let fix = step.fix { Output.line("\(indent)    → \(fix)") }
        }
    }
}
