import CardSimulator
import Foundation
import Logging
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CancuocServer
@testable import CancuocUsage
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// A clinic PC that lost power mid-write (docs/troubleshooting.md): the daemon starts on the damaged usage
    /// database, reads and verifies cards over its socket, moves the file aside, keeps
    /// counting, and `cancuoc inventory` names the event. No personal data in any log line.
    @Suite struct DaemonUsageRecovery {
        @Test(arguments: [UsageDamage.pages, .truncated, .zeros, .foreignWAL])
        func theDaemonRecoversADamagedUsageLogAndKeepsCounting(_ damage: UsageDamage) async throws {
            let bench = try await PCSCBench.shared()
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/usage.sqlite"
            let reader = ReaderUsageInfo(id: "Virtual PCD 00 00", name: "Virtual PCD 00 00")
            try UsageDamage.make(damage, at: path, events: 600, reader: reader)

            // Before the daemon: the command line says what happened, in words.
            let before = try await cancuocInventory(path)
            #expect(before.status != 0)
            #expect(before.output.contains("bị hỏng") && before.output.contains("is damaged"))
            #expect(before.output.contains("systemctl restart cancuocd"))
            #expect(!before.output.contains("malformed") && !before.output.contains("SQLite error"))

            let logs = CollectedLogs()
            var configuration = DaemonConfiguration()
            configuration.socketPath = directory + "/api.sock"
            configuration.socketGroup = nil
            configuration.readTimeoutSeconds = 20
            configuration.readerPollSeconds = 0.5
            configuration.stateDirectory = directory
            let usage = UsageLog(
                configuration: .inStateDirectory(directory, facilityID: "TEST-01", facilityName: "Trạm y tế thử"),
                logger: logs.logger("cancuoc.usage")
            )
            let core = DaemonCore(configuration: configuration, usage: usage, logger: logs.logger("cancuoc.daemon"))
            await core.start()
            let server = APIServer(
                configuration: configuration.serverConfiguration(listen: .path(configuration.socketPath)),
                service: core
            )
            try await server.start()
            let profile = try Citizens.profile("le-thi-hong-nhung")
            do {
                let client = try await TestClient.connect(to: configuration.socketPath)
                defer { Task { await client.close() } }
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                let read = try await client.request(1, "card.read", ["reader": "Virtual PCD 00 00", "key": key])
                    .response
                #expect(read["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
                #expect(read["result"]?["verification"]?["status"]?.stringValue != nil)
                await usage.flush()
                #expect(await usage.lostEvents == 0)
            } catch {
                await server.stop()
                await core.stop()
                throw error
            }
            await server.stop()
            await core.stop()
            await usage.flush()

            let aside = try damagedFiles(in: directory)
            #expect(!aside.isEmpty, "the damaged file is kept")
            if damage == .foreignWAL { #expect(aside.contains { $0.hasSuffix("-wal") }) }

            // The read after the damage is in the inventory, and the report names the event.
            let after = try await cancuocInventory(path)
            #expect(after.status == 0, "\(after.output)")
            #expect(after.output.contains("Usage log damaged on"))
            let json = try await cancuocInventory(path, "--json")
            let report = try InventoryReport.decode(Data(json.output.utf8))
            let damageReport = try #require(report.usageLogDamage)
            let counted = report.readers.first { $0.id == "Virtual PCD 00 00" }?.usage.last30Days.ok ?? 0
            #expect(counted == damageReport.salvagedEvents + 1)

            let personal = [
                profile.dg13.idNumber, profile.dg13.fullName, profile.dg13.dateOfBirth,
                String(profile.dg13.idNumber.suffix(6)), profile.mrz[0],
            ]
            let lines = logs.all.map(\.text)
            #expect(lines.contains { $0.contains("usage database was damaged") })
            for line in lines {
                for value in personal { #expect(!line.contains(value), "a log line holds personal data: \(line)") }
            }
        }

        /// `cancuoc inventory [--json] --db PATH`: exit status and output (stdout and stderr).
        func cancuocInventory(_ path: String, _ extra: String...) async throws -> (status: Int32, output: String) {
            do {
                return (0, try await run(cancuocBinary.path, ["inventory"] + extra + ["--db", path]))
            } catch let failure as CommandFailed {
                return (failure.status, failure.output)
            }
        }
    }
}
