import ArgumentParser
import CancuocAPI
import CancuocDaemon
import CancuocServer
import CancuocUsage
import CardService
import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// One daemon run: the long-lived parts as one service group (swift-service-lifecycle). The
/// group owns SIGTERM/SIGINT and shuts the services down in reverse order: systemd is told
/// STOPPING, the metrics writer stops, the API server lets running requests answer and
/// closes its connections, the core stops watching readers, the usage log is flushed.
struct Daemon {
    var configuration: DaemonConfiguration
    var logger: Logger

    func run() async throws {
        warnAboutWhatCannotBeEnforced()
        let notify = SystemdNotify()
        var usageConfiguration = UsageLog.Configuration.inStateDirectory(
            configuration.stateDirectory,
            facilityID: configuration.facility.id,
            facilityName: configuration.facility.name
        )
        usageConfiguration.retentionDays = configuration.usageRetentionDays
        let usage = UsageLog(configuration: usageConfiguration)
        let core = DaemonCore(configuration: configuration, usage: usage, logger: logger)
        let listen = APIServerConfiguration.Listen.systemdOrPath(configuration.socketPath)
        let passedWebSockets = SocketActivation.split(
            SocketActivation.namedListenFileDescriptors(environment: SocketActivation.processEnvironment)
        ).web
        SocketActivation.unsetEnvironment()  // children must not think the sockets are theirs
        let server = APIServer(configuration: configuration.serverConfiguration(listen: listen), service: core) {
            [logger] in
            notify.ready()
            notify.status("serving")
            logger.notice("cancuocd \(Product.version) ready", metadata: ["apiLevel": "\(Product.apiLevel)"])
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: UsageFlush(usage: usage)),
            .init(service: core),
            .init(service: server),
        ]
        if let web = try webServer(passed: passedWebSockets, core: core) {
            services.append(.init(service: web))
        }
        if let path = configuration.metricsTextfile {
            services.append(
                .init(
                    service: MetricsService(
                        path: path,
                        trustDirectory: configuration.trustDirectory,
                        interval: .milliseconds(Int64(configuration.metricsIntervalSeconds * 1000)),
                        usage: usage,
                        core: core,
                        logger: logger
                    ),
                    successTerminationBehavior: .ignore,
                    failureTerminationBehavior: .ignore
                )
            )
        }
        services.append(.init(service: SystemdService(notify: notify), successTerminationBehavior: .ignore))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            logger.critical("cannot serve", metadata: ["error": "\(error)"])
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        logger.notice("stopped")
    }

    /// The browser endpoint (docs/security.md), when systemd passed its sockets (`cancuocd-web.socket`)
    /// or `web.listen` / `--web-listen` names loopback addresses; else `nil`.
    private func webServer(passed: [Int32], core: DaemonCore) throws -> WebSocketServer? {
        let listen: [WebServerConfiguration.Listen] =
            passed.isEmpty
            ? try configuration.web.listenAddresses().map { .address($0) }
            : passed.map { .fileDescriptor($0) }
        guard !listen.isEmpty else { return nil }
        let directory = configuration.web.filesDirectory ?? Self.installedClientsDirectory
        let (files, missing) = WebStaticFiles.load(directory: directory)
        if !missing.isEmpty {
            logger.warning(
                "the reception page and cancuoc.js cannot be served: files missing (set web.filesDirectory)",
                metadata: ["missing": "\(missing.joined(separator: ", "))"]
            )
        }
        let webConfiguration = try configuration.webServerConfiguration(listen: listen, files: files)
        return WebSocketServer(configuration: webConfiguration, service: core, logger: Logger(label: "cancuoc.web"))
    }

    /// `share/cancuoc/clients` beside the `bin/` the daemon runs from (`make install`).
    static var installedClientsDirectory: String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return binary.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/cancuoc/clients").path
    }

    /// The daemon runs fine in a terminal without systemd or the `cancuoc` group, but an
    /// operator should know what that loses.
    private func warnAboutWhatCannotBeEnforced() {
        if ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] == nil {
            logger.notice("not started by systemd: no readiness notification or watchdog")
        }
        if let group = configuration.socketGroup, getgrnam(group) == nil {
            logger.warning(
                "group \(group) does not exist: the socket keeps the daemon's group and only root may subscribe to records"
            )
        }
        if configuration.socketGroup == nil {
            logger.warning("no socket group configured: only root may subscribe to records")
        }
        if geteuid() == 0 {
            logger.notice("running as root: under systemd the daemon runs as its own user (systemd/cancuocd.service)")
        }
    }
}

/// Flushes the usage log when the group stops (it is the last service to stop).
private struct UsageFlush: Service {
    let usage: UsageLog

    func run() async throws {
        try? await gracefulShutdown()
        await usage.flush()
    }
}

/// Rewrites the Prometheus textfile every minute until the group stops.
private struct MetricsService: Service {
    let path: String
    let trustDirectory: String
    let interval: Duration
    let usage: UsageLog
    let core: DaemonCore
    let logger: Logger

    func run() async throws {
        let (usage, core, logger) = (self.usage, self.core, self.logger)
        await cancelWhenGracefulShutdown {
            await MetricsTextfileWriter(path: path, trustDirectory: trustDirectory).run(
                from: usage,
                every: interval,
                pcscUp: { await core.registry.serviceProblem == nil },
                onError: { logger.warning("metrics textfile: \($0)") }
            )
        }
    }
}

/// Pings systemd's watchdog while the daemon runs, and says STOPPING=1 when it stops.
private struct SystemdService: Service {
    let notify: SystemdNotify

    func run() async throws {
        let notify = self.notify
        await cancelWhenGracefulShutdown { await notify.runWatchdog() }
        try? await gracefulShutdown()
        notify.stopping()
    }
}
