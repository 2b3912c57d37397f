import Foundation
import PCSC
import Testing
@testable import CancuocAPI
@testable import CancuocUsage


/// `UsageLog`, the recorder the daemon calls: presence across daemon runs, detach, the
/// `inventory.summary` JSON, the read-only opening of `cancuoc inventory`.
@Suite struct UsageLogTests {
    @Test func presenceFollowsAttachAndDetachAndIsResetByANewDaemonRun() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let other = ReaderUsageInfo(id: "04E6:5810:99", name: "SCM SCR3310 00 00", vid: "04E6", pid: "5810", serial: "99")
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

    @Test func theSummaryIsTheSameJSONAsTheCommandLineReport() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let log = UsageLog(configuration: .init(path: path, facilityID: "BP-100", facilityName: "Trạm Y tế xã Lộc Hiệp"))
        await log.readerSeen(sampleReader)
        await log.readFinished(event())
        let value = try JSONParser().parse(try JSONText(encoding: await log.summary()).bytes)
        guard case .object(let o) = value, case .object(let facility)? = o["facility"],
              case .string(let generated)? = o["generatedAt"] else {
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
        let identity = ReaderIdentity(vendor: "ACS", product: "ACR39U ICC Reader", serialNumber: "R123",
                                      vendorID: 0x072F, productID: 0x90CC)
        let info = ReaderInfo(name: "ACS ACR39U ICC Reader 00 00", id: ReaderID(name: "ACS ACR39U ICC Reader 00 00", identity: identity),
                              identity: identity)
        let usage = ReaderUsageInfo(info)
        #expect(usage.id == info.id.rawValue && usage.vid == "072F" && usage.pid == "90CC" && usage.serial == "R123")
        #expect(usage.vendor == "ACS" && usage.name == "ACS ACR39U ICC Reader 00 00")
    }
}
