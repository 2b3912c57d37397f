import Foundation
import PCSC
import Testing

@testable import CancuocAPI
@testable import CancuocUsage
@testable import ServiceTestSupport

/// `UsageLog`, the recorder the daemon calls: presence across daemon runs, detach, the
/// `inventory.summary` JSON, the read-only opening of `cancuoc inventory`.
@Suite struct UsageLogTests {
    @Test func presenceFollowsAttachAndDetachAndIsResetByANewDaemonRun() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let other = ReaderUsageInfo(
            id: "04E6:5810:99",
            name: "SCM SCR3310 00 00",
            vid: "04E6",
            pid: "5810",
            serial: "99"
        )
        do {
            let first = UsageLog(configuration: .init(path: path))
            await first.readerSeen(sampleReader)
            await first.readerSeen(other)
            await first.readerGone(id: other.id)
            let report = await first.summary()
            #expect(report.readers.map(\.present) == [false, true], "sorted by id: 04E6… (gone), 072F… (attached)")
        }
        // The next run knows only what it is told: the ACS reader was unplugged meanwhile.
        let second = UsageLog(configuration: .init(path: path))
        await second.readerSeen(other)
        await second.readFinished(event(reader: other.id))
        let report = await second.summary()
        #expect(report.readers.first { $0.id == other.id }?.present == true)
        #expect(report.readers.first { $0.id == sampleReader.id }?.present == false)
        #expect(report.readers.first { $0.id == other.id }?.working == true)
    }

    /// The daemon's metrics writer asks for a snapshot at start while the reader monitor reports
    /// the attached readers: both open the store. One open only, else the second one's "every
    /// reader absent" could land after the first recorded the readers present (seen in
    /// scripts/prometheus_test.py: a present reader reported absent, in the JSON and the metrics).
    @Test func concurrentFirstCallsOpenTheStoreOnceAndAttachedReadersStayPresent() async throws {
        let dir = try usageTempDir()
        for i in 0..<5 {
            let log = UsageLog(configuration: .init(path: dir.appendingPathComponent("usage-\(i).sqlite").path))
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { _ = await log.metricsSnapshot() } }
                group.addTask { await log.readerSeen(sampleReader) }
                for _ in 0..<8 { group.addTask { _ = await log.summary() } }
            }
            await log.flush()
            #expect(await log.opensStarted == 1, "run \(i)")
            let snapshot = try #require(await log.metricsSnapshot())
            #expect(snapshot.readers.map(\.present) == [true], "run \(i)")
        }
    }

    @Test func theSummaryIsTheSameJSONAsTheCommandLineReport() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(
            configuration: .init(path: path, facilityID: "BP-100", facilityName: "Trạm Y tế xã Lộc Hiệp")
        )
        await log.readerSeen(sampleReader)
        await log.readFinished(event())
        let value = try JSONParser().parse(try JSONText(encoding: await log.summary()).bytes)
        guard case .object(let o) = value, case .object(let facility)? = o["facility"],
            case .string(let generated)? = o["generatedAt"]
        else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(facility["id"] == .string("BP-100"))
        #expect(generated.hasSuffix("Z") && generated.count == 20, "ISO 8601, not seconds since 2001")
    }

    @Test func aReadOnlyOpeningSeesTheDaemonsData() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(configuration: .init(path: path))
        await log.readerSeen(sampleReader)
        for _ in 0..<3 { await log.readFinished(event()) }
        await log.flush()
        let ro = try UsageStore(readingOnly: path)
        #expect(try ro.report().totals.last30Days.reads == 3)
        #expect(throws: (any Error).self) { try ro.setRetention(days: 100) }
    }
}

@Suite struct ReaderUsageInfoFromPCSC {
    @Test func takesTheStableIDAndTheReadersOwnIdentity() {
        let identity = ReaderIdentity(
            vendor: "ACS",
            product: "ACR39U ICC Reader",
            serialNumber: "R123",
            vendorID: 0x072F,
            productID: 0x90CC
        )
        let info = ReaderInfo(
            name: "ACS ACR39U ICC Reader 00 00",
            id: ReaderID(name: "ACS ACR39U ICC Reader 00 00", identity: identity),
            identity: identity
        )
        let usage = ReaderUsageInfo(info)
        #expect(usage.id == info.id.rawValue && usage.vid == "072F" && usage.pid == "90CC" && usage.serial == "R123")
        #expect(usage.vendor == "ACS" && usage.name == "ACS ACR39U ICC Reader 00 00")
    }
}
