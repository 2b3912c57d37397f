import CardSimulator
import Foundation
import Logging
import MRTD
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CancuocServer
@testable import CancuocUsage
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Every daemon suite that uses the process's private pcscd nests here, so they run one at a
/// time and never beside another target's bench suites (`.pcscBench`).
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(5)))
enum DaemonIntegration {}

/// A daemon core + API server on a fresh socket path in this process, over the bench's pcscd.
struct RunningDaemon {
    let core: DaemonCore
    let usage: UsageLog
    let server: APIServer
    let path: String
    let directory: String

    static func start(
        logger: Logger? = nil,
        _ configure: (inout DaemonConfiguration) -> Void = { _ in }
    )
        async throws -> RunningDaemon
    {
        _ = try await PCSCBench.shared()
        let directory = try makeTemporaryDirectory()
        var configuration = DaemonConfiguration()
        configuration.socketPath = directory + "/api.sock"
        configuration.socketGroup = nil
        configuration.readTimeoutSeconds = 20
        configuration.readerPollSeconds = 0.5
        configuration.stateDirectory = directory
        configure(&configuration)
        let usage = UsageLog(
            configuration: .inStateDirectory(
                configuration.stateDirectory,
                facilityID: "TEST-01",
                facilityName: "Trạm y tế thử"
            )
        )
        let core = DaemonCore(
            configuration: configuration,
            usage: usage,
            logger: logger ?? Logger(label: "cancuoc.daemon")
        )
        await core.start()
        let server = APIServer(
            configuration: configuration.serverConfiguration(listen: .path(configuration.socketPath)),
            service: core
        )
        try await server.start()
        return RunningDaemon(
            core: core,
            usage: usage,
            server: server,
            path: configuration.socketPath,
            directory: directory
        )
    }

    func stop() async {
        await server.stop()
        await core.stop()
        await usage.flush()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func connect(autoRead: Bool = true) async throws -> TestClient {
        try await TestClient.connect(to: path, autoRead: autoRead)
    }

    /// Runs `body` with a started daemon, stopping it on every path.
    static func with(
        logger: Logger? = nil,
        _ configure: (inout DaemonConfiguration) -> Void = { _ in },
        _ body: (RunningDaemon) async throws -> Void
    ) async throws {
        let daemon = try await start(logger: logger, configure)
        do {
            try await body(daemon)
        } catch {
            await daemon.stop()
            throw error
        }
        await daemon.stop()
    }

    /// Runs `body` with a started daemon and one client connected to it; the client is closed
    /// and the daemon stopped on every path.
    static func withClient(
        logger: Logger? = nil,
        _ configure: (inout DaemonConfiguration) -> Void = { _ in },
        _ body: (RunningDaemon, TestClient) async throws -> Void
    ) async throws {
        try await with(logger: logger, configure) { daemon in
            let client = try await daemon.connect()
            do {
                try await body(daemon, client)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
        }
    }
}

/// The simulated citizens the daemon tests read.
enum Citizens {
    static func profile(_ name: String = "tran-minh-khoa") throws -> CitizenProfile {
        try CitizenProfile.load(named: name)
    }

    static func card(_ profile: CitizenProfile, latency: Duration? = nil) throws -> any APDUHandler {
        try SimulatedCCCD.make(profile: profile, options: SimulatedCCCD.Options(latency: latency))
    }
}

extension TestClient {
    /// Sends a request and returns its response, with the notifications that came before it.
    func request(
        _ id: Int,
        _ method: String,
        _ params: JSONValue = [:],
        seconds: Double = 30
    )
        async throws -> (response: JSONValue, notifications: [JSONValue])
    {
        try await send(#"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params.serialized)}"#)
        var notifications: [JSONValue] = []
        while true {
            let message = try await withTimeout(seconds: seconds) { try await self.nextMessage() }
            if message["id"]?.intValue == id { return (message, notifications) }
            notifications.append(message)
        }
    }

    /// Reads lines until a notification named `method` arrives; returns it and every raw line read.
    @discardableResult
    func waitFor(
        _ method: String,
        seconds: Double = 30,
        where extra: @escaping @Sendable (JSONValue) -> Bool = { _ in true }
    )
        async throws -> (message: JSONValue, lines: [String])
    {
        try await withTimeout(seconds: seconds) {
            var lines: [String] = []
            while true {
                guard let line = await self.nextLine() else { throw ConnectionClosed() }
                lines.append(line)
                let message = try JSONParser().parse(line)
                if message["method"]?.stringValue == method, extra(message) { return (message, lines) }
            }
        }
    }

    /// Reads until the response to a request sent earlier arrives.
    func waitForResponse(
        id: Int,
        seconds: Double = 30
    ) async throws -> (response: JSONValue, notifications: [JSONValue]) {
        var notifications: [JSONValue] = []
        while true {
            let message = try await withTimeout(seconds: seconds) { try await self.nextMessage() }
            if message["id"]?.intValue == id { return (message, notifications) }
            notifications.append(message)
        }
    }

    func subscribe(_ id: Int = 900) async throws {
        let (response, _) = try await request(id, "events.subscribe", ["records": false])
        #expect(response["result"]?["subscribed"] == .bool(true))
    }
}

func errorCode(_ response: JSONValue) -> Int? { response["error"]?["code"]?.intValue }
func errorReason(_ response: JSONValue) -> String? { response["error"]?["data"]?["reason"]?.stringValue }
