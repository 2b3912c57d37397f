import CCCD
import CardSimulator
import Foundation
import MRTD
import Testing

@testable import CancuocUsage
@testable import CardService
@testable import ServiceTestSupport

/// Reads of every simulated citizen, recorded the way the daemon records them; then the
/// database file, its WAL, the logs and the metrics are searched byte for byte for the
/// citizens' ID numbers, names and birth dates.
@Suite struct UsagePrivacyTests {
    @Test func noIDNumberNameOrBirthDateReachesTheDatabaseLogsOrMetrics() async throws {
        let dir = try usageTempDir()
        let path = dir.appendingPathComponent("usage.sqlite").path
        let logs = CollectedLogs()
        let log = UsageLog(
            configuration: .init(path: path, facilityID: "BP-042", facilityName: "Trạm Y tế xã Tân Lập"),
            logger: logs.logger()
        )
        await log.readerSeen(sampleReader)
        var secrets: [String] = []
        let names = CitizenProfile.bundledNames
        #expect(names.count >= 4)
        for name in names {
            let profile = try CitizenProfile.load(named: name)
            let d = profile.dg13
            secrets += [
                d.idNumber, d.fullName, d.dateOfBirth, Self.isoDate(d.dateOfBirth), String(d.idNumber.suffix(9)),
            ]
            secrets += profile.mrz
            if let old = d.oldIdNumber { secrets.append(old) }
            let chip = try SimulatedCCCD.make(profile: profile)
            _ = await chip.powerOn()
            let read = try await DocumentReader().read(
                over: SimulatedCardChannel(card: chip),
                request: ReadRequest(key: try CCCDKeys.can(idNumber: d.idNumber))
            )
            let record = try CitizenRecord(chipRead: read, includeFaceData: true)
            #expect(record.person.idNumber == d.idNumber, "the read itself works")
            await log.readFinished(
                ReadEvent(
                    readerID: sampleReader.id,
                    outcome: .ok,
                    access: read.access.method,
                    verification: record.verification.status,
                    durationMs: read.stats.milliseconds,
                    apdus: read.stats.apdus,
                    bytes: read.stats.bytesSent + read.stats.bytesReceived
                )
            )
            // A failed read too, as the daemon records it.
            await log.readFinished(
                ReadEvent(readerID: sampleReader.id, outcome: .failed(.wrongKey), durationMs: 12)
            )
        }
        await log.flush()
        let report = await log.summary()
        #expect(report.totals.last30Days == .init(reads: 2 * names.count, ok: names.count))
        let metrics = MetricsTextfileWriter.render(
            await log.metricsSnapshot(),
            lostEvents: await log.lostEvents,
            pcscUp: true
        )

        var haystacks: [(String, Data)] = []
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: path + suffix) {
                haystacks.append((path + suffix, data))
            }
        }
        #expect(haystacks.count >= 2, "the database and its WAL are both searched")
        haystacks.append(("logs", Data(logs.all.map(\.text).joined(separator: "\n").utf8)))
        haystacks.append(("metrics", Data(metrics.utf8)))
        haystacks.append(("report.json", try report.jsonData()))
        haystacks.append(("report.csv", Data(report.csv().utf8)))
        for secret in Set(secrets) where !secret.isEmpty {
            for (where_, bytes) in haystacks {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(where_) holds personal data")
                // UTF-16 too: SQLite can store text in either encoding.
                if let utf16 = secret.data(using: .utf16LittleEndian) {
                    #expect(bytes.range(of: utf16) == nil, "\(where_) holds personal data (UTF-16)")
                }
            }
        }
    }

    /// dd/mm/yyyy → yyyy-mm-dd.
    static func isoDate(_ s: String) -> String {
        let p = s.split(separator: "/")
        return p.count == 3 ? "\(p[2])-\(p[1])-\(p[0])" : s
    }
}
