import CCCD
import CardSimulator
import Foundation
import MRTD
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The usage log never blocks or fails a read: a read-only or full disk is logged once,
/// the lost events are counted, and writing resumes when space comes back. Real tmpfs
/// mounts (tests run as root: docs/design.md §10).
@Suite(.serialized, .timeLimit(.minutes(3))) struct UsageFailureTests {
    @Test func aReadOnlyDiskLosesEventsQuietlyLogsOnceAndReadsAreStillServed() async throws {
        try await withTmpfs(options: "ro,size=1m") { mount in
            let logs = CollectedLogs()
            let log = UsageLog(
                configuration: .init(
                    path: mount.appendingPathComponent("usage.sqlite").path,
                    facilityID: "BP-007"
                ),
                logger: logs.logger()
            )
            let profile = try CitizenProfile.load(named: "tran-minh-khoa")
            await log.readerSeen(sampleReader)
            for i in 0..<50 {
                await log.readFinished(event(i % 5 == 0 ? .failed(.noCard) : .ok))
            }
            // Every call returned (the suite's time limit guards a hang); how fast is not a test
            // matter: under a full parallel run the pool may be busy elsewhere for seconds.
            // A read goes on as usual while the store is unusable.
            let chip = try SimulatedCCCD.make(profile: profile)
            _ = await chip.powerOn()
            let read = try await DocumentReader().read(
                over: SimulatedCardChannel(card: chip),
                request: ReadRequest(key: try CCCDKeys.can(idNumber: profile.dg13.idNumber))
            )
            #expect(read.files[.dg13] != nil)
            await log.readFinished(event(ms: read.stats.milliseconds))
            await log.flush()
            #expect(await log.lostEvents == 51)
            let errors = logs.all.filter { $0.level >= .error }
            #expect(errors.count == 1, "\(errors.map(\.text))")
            #expect(errors.first?.text.contains("reads are still served") == true)
            let summary = await log.summary()
            #expect(summary.lostEvents == 51 && summary.facility.id == "BP-007" && summary.readers.isEmpty)
            let metrics = MetricsTextfileWriter.render(
                await log.metricsSnapshot(),
                lostEvents: await log.lostEvents,
                pcscUp: true
            )
            #expect(metrics.contains("cancuoc_usage_events_lost_total 51\n"))
        }
    }

    @Test func aFullDiskLosesEventsLogsOnceAndRecoversWhenSpaceReturns() async throws {
        try await withTmpfs(options: "size=512k") { mount in
            let path = mount.appendingPathComponent("usage.sqlite").path
            let logs = CollectedLogs()
            let log = UsageLog(configuration: .init(path: path, facilityID: "BP-008"), logger: logs.logger())
            await log.readerSeen(sampleReader)
            await log.readFinished(event())
            await log.flush()
            #expect(await log.lostEvents == 0)
            // Fill the file system.
            let filler = mount.appendingPathComponent("filler")
            _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
            let handle = try FileHandle(forWritingTo: filler)
            let chunk = Data(repeating: 0x55, count: 4096)
            while (try? handle.write(contentsOf: chunk)) != nil {}
            try? handle.close()
            var lost = 0
            for round in 0..<20 {
                for _ in 0..<200 { await log.readFinished(event(round % 2 == 0 ? .ok : .failed(.timeout))) }
                await log.flush()
                lost = await log.lostEvents
                if lost > 0 { break }
            }
            #expect(lost > 0, "a full disk must lose events")
            #expect(logs.all.filter { $0.level >= .error }.count == 1)
            // Space returns: writing resumes without a restart.
            try FileManager.default.removeItem(at: filler)
            await log.readFinished(event())
            await log.flush()
            #expect(await log.lostEvents == lost)
            #expect(logs.all.contains { $0.text.contains("usage log recovered") })
            let store = try UsageStore(path: path)
            #expect(try store.integrityCheck() == "ok")
            let counts = try store.counts()
            #expect(counts.events == counts.rolledUp)
            #expect(counts.events >= 2)
        }
    }
}
