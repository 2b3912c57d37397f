import ArgumentParser
import CancuocDaemon
import CardService
import Foundation
import Logging
import TrustUpdate

/// `cancuoc trust fetch-crls`: downloads the clinic's CRLs from the URLs of `crlUpdate.urls`
/// (cancuocd.json and its drop-ins), installs those signed by a trusted CSCA and not older than
/// the installed ones into the trust directory's `fetched-crls/`, and refuses the others
/// (docs/fleet.md § CRLs). Run daily by `cancuoc-crl-update.timer`.
struct TrustFetchCRLsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-crls",
        abstract: "Download the configured CRLs and install those signed by a trusted CSCA.",
        discussion: """
            The URLs come from "crlUpdate": {"urls": [...]} in the daemon's configuration (main file \
            and drop-ins), or from --url. A CRL is installed only when its signature verifies under a \
            CSCA of the trust directory and it is not older than the CRL installed for that CSCA; it is \
            written whole (temporary file, fsync, rename), so the running daemon takes it at its next \
            read. Exit status 0 when every URL gave a CRL that is installed (or already was), 1 otherwise.
            """
    )

    @Option(help: "The daemon's main configuration file (its drop-ins in FILE.d/ are read too).")
    var config = DaemonConfiguration.defaultPath

    @Option(help: ArgumentHelp("A CRL URL (repeatable); replaces the configured list.", valueName: "url"))
    var url: [String] = []

    @Option(help: "Trust directory (default: the configuration's trustDirectory).")
    var trust: String?

    @Option(help: "Where the CRLs are written (default: TRUST/\(CRLUpdater.subdirectory)).")
    var into: String?

    func run() async throws {
        CLILogging.bootstrap
        let settings: DaemonConfiguration
        do {
            settings = try ConfigurationFiles(mainPath: config).load().configuration
        } catch {
            Output.error("\(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        var crlUpdate = settings.crlUpdate
        if !url.isEmpty { crlUpdate.urls = url }
        let sources: [URL]
        do {
            sources = try crlUpdate.sourceURLs()
        } catch {
            throw ValidationError("\(error)")
        }
        guard !sources.isEmpty else {
            Output.line(
                "Chưa cấu hình URL CRL nào (crlUpdate.urls): không có gì để tải. — No CRL URL is configured (crlUpdate.urls): nothing to fetch."
            )
            return
        }
        let updater = CRLUpdater(
            sources: sources,
            trustDirectory: trust ?? settings.trustDirectory,
            targetDirectory: into,
            download: CRLDownload(
                timeout: .milliseconds(Int64((crlUpdate.timeoutSeconds * 1000).rounded())),
                maxBytes: crlUpdate.maxBytes
            ),
            logger: Logger(label: "cancuoc.trust")
        )
        let results = await updater.run()
        for result in results {
            for outcome in result.outcomes { Output.line("\(result.source): \(Self.describe(outcome))") }
        }
        if !results.allSatisfy({ $0.outcomes.allSatisfy(\.succeeded) }) {
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }

    static func describe(_ outcome: CRLUpdater.Outcome) -> String {
        switch outcome {
        case .installed(let file, let thisUpdate, let expired):
            let day = String(ISO8601DateFormatter().string(from: thisUpdate).prefix(10))
            return
                "đã cài \(file) (phát hành \(day))\(expired ? ", đã hết hạn" : "") — installed \(file) (issued \(day))"
                + (expired ? ", already expired: revocation cannot be checked until a newer CRL is published" : "")
        case .unchanged(let file, let expired):
            return "không đổi (\(file)) — unchanged (\(file))"
                + (expired ? "; hết hạn — expired: revocation cannot be checked" : "")
        case .refused(let refusal): return "từ chối — refused: \(refusal.description)"
        case .downloadFailed(let error): return "không tải được — not downloaded: \(error.description)"
        case .notWritten(let reason): return "không ghi được — not written: \(reason)"
        }
    }
}
