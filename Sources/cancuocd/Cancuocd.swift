import ArgumentParser
import CancuocAPI
import CancuocDaemon
import CardService
import Foundation
import Logging

/// `cancuocd`: the reader daemon. Thin by design: configuration, logging, signals and
/// the service group here; everything with meaning lives in `CancuocDaemon` and below.
@main
struct Cancuocd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancuocd",
        abstract: "The cancuoc daemon: serves chip ID card reads to the HIS over a Unix socket.",
        discussion: """
            Runs under systemd (socket activation, sd_notify, watchdog) or in a terminal. \
            Settings come from the configuration file (docs/operations.md); options override them.
            """,
        version: Product.version
    )

    @Option(help: "Listen on this Unix socket path (overrides socketPath; ignored under socket activation).")
    var socket: String?
    @Option(
        help:
            "Configuration file (a missing file means the defaults); then FILE.d/*.json in name order, later ones overriding."
    )
    var config: String = DaemonConfiguration.defaultPath
    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (overrides logLevel)."
    )
    var logLevel: String?
    @Option(help: "Socket group (overrides socketGroup); an empty string leaves the group alone.")
    var group: String?
    @Option(help: "Trust directory: CSCA certificates, master lists, CRLs (overrides trustDirectory).")
    var trust: String?
    @Option(name: .customLong("state-directory"), help: "Where the usage log lives (overrides stateDirectory).")
    var stateDirectory: String?

    @Option(
        name: .customLong("web-listen"),
        help: "Serve browsers on this loopback HOST:PORT (repeatable; overrides web.listen), e.g. 127.0.0.1:28710."
    )
    var webListen: [String] = []
    @Option(
        name: .customLong("web-origin"),
        help:
            "Let pages from this origin use the API (repeatable; overrides web.allowedOrigins), e.g. https://his.benhvien.vn."
    )
    var webOrigin: [String] = []
    @Option(
        name: .customLong("web-files"),
        help: "The clients/ folder with the reception page and cancuoc.js (overrides web.filesDirectory)."
    )
    var webFiles: String?

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let loaded: ConfigurationFiles.Loaded
        do {
            loaded = try ConfigurationFiles(mainPath: config).load()
        } catch {
            FileHandle.standardError.write(Data("cancuocd: configuration \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        var configuration = loaded.configuration
        if let socket { configuration.socketPath = socket }
        if let group { configuration.socketGroup = group.isEmpty ? nil : group }
        if let logLevel { configuration.logLevel = logLevel }
        if let trust { configuration.trustDirectory = trust }
        if let stateDirectory { configuration.stateDirectory = stateDirectory }
        if !webListen.isEmpty { configuration.web.listen = webListen }
        if !webOrigin.isEmpty { configuration.web.allowedOrigins = webOrigin }
        if let webFiles { configuration.web.filesDirectory = webFiles }
        do {
            try configuration.validate()
        } catch {
            FileHandle.standardError.write(Data("cancuocd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let level = configuration.loggerLevel ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cancuoc.daemon")
        if !loaded.files.isEmpty {
            logger.info("configuration loaded", metadata: ["files": "\(loaded.files.joined(separator: ", "))"])
        } else {
            logger.notice("no configuration file; using the defaults", metadata: ["path": "\(config)"])
        }
        try await Daemon(configuration: configuration, logger: logger).run()
    }
}
