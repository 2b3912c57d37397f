import ArgumentParser
import CardService
import Foundation
import MRTD

/// Loads the trust directory a command names, or the default one when it exists.
enum TrustLoading {
    static func load(_ path: String?) throws -> TrustStore {
        let directory = path ?? TrustStore.defaultDirectory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            if path != nil { throw ValidationError("no trust directory at \(directory)") }
            return TrustStore(cscas: [], crls: [])
        }
        return TrustStore(directory: URL(fileURLWithPath: directory))
    }
}

/// `cancuoc trust list`: what the verifier trusts, and what it refused and why.
struct TrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Show the trust anchors used to verify cards.",
        subcommands: [List.self, TrustPackageCommand.self, TrustFetchCRLsCommand.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List loaded CSCA certificates, master lists and CRLs, and rejected files."
        )

        @Option(help: "Trust directory (default \(TrustStore.defaultDirectory.path)).")
        var trust: String?

        func run() async throws {
            CLILogging.bootstrap
            let store = try TrustLoading.load(trust)
            Output.line("Trust directory: \(trust ?? TrustStore.defaultDirectory.path)")
            Output.line("CSCA certificates: \(store.cscas.count)")
            for c in store.cscas {
                Output.line("  \(c.subject)  valid \(Self.day(c.notBefore)) – \(Self.day(c.notAfter))")
            }
            Output.line("CRLs: \(store.crls.count)")
            for crl in store.crls { Output.line("  issued by \(crl.issuer)") }
            let rejected = store.rejected
            Output.line("Rejected: \(rejected.count)")
            for r in rejected { Output.line("  \(r.file): \(r.reason)") }
            if store.cscas.isEmpty {
                Output.line(
                    "No CSCA is trusted: every card will be reported 'unverified'. Put the issuing country's CSCA certificates or master list in this directory."
                )
            }
        }

        static func day(_ d: Date?) -> String {
            guard let d else { return "?" }
            return String(ISO8601DateFormatter().string(from: d).prefix(10))
        }
    }
}
