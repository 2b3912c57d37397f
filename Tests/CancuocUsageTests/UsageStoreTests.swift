import Foundation
import Testing

@testable import CancuocUsage
@testable import CardService
@testable import ServiceTestSupport

/// The usage log on disk: what goes in comes back out, migrations, retention.
@Suite struct UsageStoreTests {
    @Test func eventsAndReadersRoundTripThroughTheFile() async throws {
        let dir = try usageTempDir()
        let path = dir.appendingPathComponent("usage.sqlite").path
        let now = Date()
        do {
            let store = try UsageStore(path: path)
            try store.setFacility(id: "BP-001", name: "Bệnh viện Đa khoa tỉnh Bình Phước")
            try await store.apply(
                [.readerSeen(sampleReader, at: now.addingTimeInterval(-40 * 86_400))],
                facilityID: "BP-001"
            )
            try await store.apply(
                [
                    .read(event(at: now.addingTimeInterval(-3600), ms: 60)),
                    .read(event(at: now.addingTimeInterval(-2 * 86_400), ms: 100)),
                    .read(event(.failed(.wrongKey), at: now.addingTimeInterval(-3 * 86_400), ms: 30)),
                    .read(event(at: now.addingTimeInterval(-20 * 86_400), ms: 200)),
                    .read(event(.failed(.cardRemoved), at: now.addingTimeInterval(-45 * 86_400), ms: 500)),
                ],
                facilityID: "BP-001"
            )
        }
        let report = try UsageStore(path: path).report(now: now, lostEvents: 2)
        #expect(report.facility == .init(id: "BP-001", name: "Bệnh viện Đa khoa tỉnh Bình Phước"))
        #expect(report.lostEvents == 2)
        let reader = try #require(report.readers.first)
        #expect(report.readers.count == 1)
        #expect(
            reader.id == sampleReader.id && reader.vid == "072F" && reader.pid == "2200" && reader.serial == "0123ABCD"
        )
        #expect(reader.vendor == "ACS" && reader.firmware == "2.14" && reader.present)
        #expect(reader.usage.lastDay == .init(reads: 1, ok: 1))
        #expect(reader.usage.last7Days == .init(reads: 3, ok: 2))
        #expect(reader.usage.last30Days == .init(reads: 4, ok: 3))
        #expect(reader.usage.last30Days.failureRate == 0.25)
        #expect(reader.usage.medianReadMs == 100)
        #expect(reader.usage.outcomes30Days == ["ok": 3, "wrongKey": 1])
        #expect(reader.working && !reader.idle30Days)
        #expect(abs((reader.lastUsed ?? .distantPast).timeIntervalSince(now.addingTimeInterval(-3600))) < 0.01)
        #expect(report.totals == reader.usage)
        #expect(try UsageStore(path: path).counts() == UsageCounts(events: 5, rolledUp: 5, readers: 1))

        let decoded = try InventoryReport.decode(try report.jsonData())
        #expect(decoded.readers.first?.usage == reader.usage)
        #expect(decoded.facility == report.facility)
    }

    @Test func migrationsCreateTheSchemaInAnEmptyDirectoryAndAreIdempotent() throws {
        let dir = try usageTempDir().appendingPathComponent("state/sub")
        let path = dir.appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        #expect(try store.counts() == UsageCounts(events: 0, rolledUp: 0, readers: 0))
        #expect(try store.retentionDays() == 90)
        let again = try UsageStore(path: path)
        #expect(try again.report().readers.isEmpty)
        #expect(try again.integrityCheck() == "ok")
        #expect(try again.journalMode() == "wal")
    }

    @Test func retentionPrunesRawEventsButKeepsTheDailyRollups() async throws {
        let path = try usageTempDir().appendingPathComponent("usage.sqlite").path
        let store = try UsageStore(path: path)
        try store.setRetention(days: 90)
        let now = Date()
        let old = (0..<30).map { UsageStore.Change.read(event(at: now.addingTimeInterval(-Double(100 + $0) * 86_400))) }
        let recent = (0..<5).map { UsageStore.Change.read(event(at: now.addingTimeInterval(-Double($0) * 3600))) }
        try await store.apply(old + recent)
        #expect(try store.prune(now: now) == 30)
        #expect(try store.counts() == UsageCounts(events: 5, rolledUp: 35, readers: 1))
        let metrics = try store.metricsSnapshot()
        #expect(metrics.reads[.init(readerID: sampleReader.id, outcome: "ok")] == 35, "counters never go down")
        #expect(try store.report(now: now).totals.last30Days.reads == 5)
        // A retention below the report's 30-day window is raised to 31 days.
        try store.setRetention(days: 7)
        #expect(try store.retentionDays() == 31)
    }

    @Test func readEventsHoldOnlyValuesOfClosedListsAndBoundedNumbers() {
        for failure: ReadFailure in [
            .noReader("x"), .noCard, .wrongKey, .cardRemoved, .readerBusy, .unreadableCard("x"),
            .pcscUnavailable("x"), .timeout, .cancelled, .badKey(.idNumber), .internal("x"),
        ] {
            #expect(ReadEvent.storedOutcomes.contains(ReadOutcome(failure).rawValue), "\(failure.reason)")
        }
        let e = ReadEvent(readerID: "r", outcome: .ok, durationMs: -5, apdus: -1, bytes: Int.max)
        #expect(e.durationMs == 0 && e.apdus == 0 && e.bytes == 1_000_000_000)
        let failed = ReadEvent(
            readerID: "r",
            outcome: ReadOutcome(.cardRemoved),
            access: .pace,
            verification: .verified,
            durationMs: 40
        )
        #expect(failed.outcome.rawValue == "cardRemoved" && failed.access == nil && failed.verification == nil)
        let ok = ReadEvent(
            readerID: "r",
            outcome: .ok,
            access: .pace,
            verification: .verified,
            durationMs: 40,
            apdus: 23
        )
        #expect(ok.outcome == .ok && ok.access == .pace && ok.verification == .verified && ok.apdus == 23)
    }
}
