import ArgumentParser
import CancuocService
import Dispatch
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One daemon run: start the core and the socket, tell systemd, wait for SIGTERM/SIGINT,
/// then shut down in order (stop accepting and close clients, which cancels their reads;
/// stop the monitor, which releases PC/SC).
struct Daemon {
    var configuration: DaemonConfiguration
    var logger: Logger

    func run() async throws {
        let notify = SystemdNotify()
        let signals = Self.signalStream()
        warnAboutWhatCannotBeEnforced()

        var usageConfiguration = UsageLog.Configuration.inStateDirectory(
            configuration.stateDirectory, facilityID: configuration.facility.id, facilityName: configuration.facility.name)
        usageConfiguration.retentionDays = configuration.usageRetentionDays
        let usage = UsageLog(configuration: usageConfiguration)
        let core = DaemonCore(configuration: configuration, usage: usage, logger: logger)
        await core.start()
        let metrics = configuration.metricsTextfile.map { path in
            Task { [logger] in
                await MetricsTextfileWriter(path: path).run(from: usage, pcscUp: { await core.registry.serviceProblem == nil },
                                                            onError: { logger.warning("metrics textfile: \($0)") })
            }
        }
        let listen = APIServerConfiguration.Listen.systemdOrPath(configuration.socketPath)
        if case .fileDescriptor = listen { SocketActivation.unsetEnvironment() }
        let server = APIServer(configuration: configuration.serverConfiguration(listen: listen), handler: core)
        do {
            try await server.start()
        } catch {
            logger.critical("cannot listen", metadata: ["error": "\(error)"])
            await core.stop()
            throw ExitCode(1)
        }
        notify.ready()
        notify.status("serving")
        logger.notice("cancuocd \(CancuocService.version) ready", metadata: ["apiLevel": "\(CancuocService.apiLevel)"])
        let watchdog = Task { await notify.runWatchdog() }

        var iterator = signals.makeAsyncIterator()
        let signal = await iterator.next()
        logger.notice("stopping", metadata: ["signal": "\(signal.map(String.init) ?? "?")"])
        notify.stopping()
        watchdog.cancel()
        metrics?.cancel()
        await server.stop()
        await core.stop()
        await usage.flush()
        logger.notice("stopped")
    }

    /// The daemon runs fine in a terminal without systemd or the `cancuoc` group, but an
    /// operator should know what that loses.
    private func warnAboutWhatCannotBeEnforced() {
        if ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] == nil {
            logger.notice("not started by systemd: no readiness notification or watchdog")
        }
        if let group = configuration.socketGroup, getgrnam(group) == nil {
            logger.warning("group \(group) does not exist: the socket keeps the daemon's group and only root may subscribe to records")
        }
        if configuration.socketGroup == nil {
            logger.warning("no socket group configured: only root may subscribe to records")
        }
        if geteuid() == 0 {
            logger.notice("running as root: under systemd the daemon runs as its own user (systemd/cancuocd.service)")
        }
    }

    /// SIGTERM and SIGINT as a stream; the default actions are disabled so shutdown is ours.
    private static func signalStream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        // Dispatch sources are thread-safe; only cancelled once, from onTermination.
        nonisolated(unsafe) let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        // The stream keeps the sources alive for as long as anyone listens.
        continuation.onTermination = { _ in
            for source in sources { source.cancel() }
        }
        return stream
    }
}
