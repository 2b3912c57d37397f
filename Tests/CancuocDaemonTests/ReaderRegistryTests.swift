import PCSC
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CardService

/// The registry rebuilt from monitor events alone, and the notifications each event causes
/// (docs/api.md "Events").
@Suite struct ReaderRegistryTests {
    static let info = ReaderInfo(
        name: "Virtual PCD 00 00",
        id: ReaderID(rawValue: "072f:2200:SN1"),
        identity: ReaderIdentity(serialNumber: "SN1", vendorID: 0x072F, productID: 0x2200)
    )

    @Test func attachInsertRemoveDetachBecomeNotificationsWithTheStableID() async throws {
        let registry = ReaderRegistry()
        let attached = await registry.apply(.attached(Self.info))
        #expect(attached.map(\.method) == ["reader.attached"])
        #expect(try params(attached.first)?["reader"] == "072f:2200:SN1")
        #expect(try params(attached.first)?["identity"]?["serial"] == "SN1")
        #expect(await registry.apply(.attached(Self.info)).isEmpty)

        let inserted = await registry.apply(.cardInserted(reader: Self.info.name, atr: [0x3B, 0x8A, 0x80]))
        #expect(
            try params(inserted.first) == ["reader": "072f:2200:SN1", "name": "Virtual PCD 00 00", "atr": "3B8A80"]
        )
        let listing = await registry.all[0].listing()
        #expect(listing.cardPresent)
        #expect(listing.atr == "3B8A80")
        #expect(listing.identity.vid == "072f")
        #expect(listing.identity.pid == "2200")

        #expect(await registry.apply(.cardRemoved(reader: Self.info.name)).map(\.method) == ["card.removed"])
        #expect(await registry.all[0].listing().atr == nil)
        #expect(
            await registry.apply(.detached(name: Self.info.name, id: Self.info.id)).map(\.method) == ["reader.detached"]
        )
        #expect(await registry.all.isEmpty)
    }

    @Test func aPCSCDOutageDetachesEveryReaderAndReadsSayPCSCUnavailable() async throws {
        let registry = ReaderRegistry()
        _ = await registry.apply(.attached(Self.info))
        let outage = await registry.apply(
            .serviceUnavailable(PCSCError(code: 0x8010_001D, function: "SCardEstablishContext"))
        )
        #expect(outage.map(\.method) == ["reader.detached", "pcsc.unavailable"])
        #expect(try params(outage.last) == ["error": "SCARD_E_NO_SERVICE"])
        await #expect(throws: ReadFailure.self) { _ = try await registry.session(for: nil) }
        do {
            _ = try await registry.session(for: nil)
        } catch {
            #expect(error.reason == "pcscUnavailable")
        }
        #expect(await registry.apply(.serviceRestored).map(\.method) == ["pcsc.restored"])
        _ = await registry.apply(.attached(Self.info))
        let session = try await registry.session(for: "072f:2200:SN1")
        #expect(session.info.name == Self.info.name)
    }

    @Test func aReadWhoseCallerLeftIsWaitedForNotReportedBusy() async throws {
        let session = ReaderSession(info: Self.info)
        try await session.claim()
        // Still wanted by its caller: a second read is refused at once.
        await #expect(throws: ReadFailure.readerBusy) {
            try await session.claim(waitingForAbandonedReadUpTo: .seconds(3))
        }
        // Its caller left; the read ends on its own a moment later: the next claim waits for it.
        await session.abandon()
        let waiting = Task { try await session.claim(waitingForAbandonedReadUpTo: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(100))
        await session.release()
        try await waiting.value
        #expect(await session.isReading)
        // An abandoned read that does not end within the patience: busy after all.
        await session.abandon()
        await #expect(throws: ReadFailure.readerBusy) {
            try await session.claim(waitingForAbandonedReadUpTo: .milliseconds(100))
        }
    }

    @Test func oneReadAtATimePerReader() async throws {
        let session = ReaderSession(info: Self.info)
        try await session.claim()
        await #expect(throws: ReadFailure.readerBusy) { try await session.claim() }
        await session.release()
        try await session.claim()
    }
}

/// The params of a notification, as a client receives them.
func params(_ notification: APINotification?) throws -> JSONValue? {
    guard let notification else { return nil }
    return try JSONParser().parse(notification.message)["params"]
}
