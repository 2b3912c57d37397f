import CCCD
import CardSimulator
import Foundation
import MRTD
import PCSC
import SmartCard
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import ServiceTestSupport

/// Every event's JSON, byte for byte, against files in Golden/: what a daemon client receives
/// and what `cancuoc readers --watch --json` prints are the same lines, and neither drifts
/// from the documented shape unnoticed. `UPDATE_GOLDEN=1 swift test --filter NotificationGolden`
/// rewrites the files after an intended change (review the diff).
@Suite struct NotificationGolden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func expectGolden(_ lines: [String], file: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let url = directory.appendingPathComponent(file)
        let text = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden, "\(file) differs from the golden file", sourceLocation: sourceLocation)
    }

    static let usb = ReaderInfo(
        name: "ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00",
        id: ReaderID(rawValue: "072f:223b:RR1252-0001"),
        identity: ReaderIdentity(
            vendor: "ACS",
            product: "ACR1252 Dual Reader",
            serialNumber: "RR1252-0001",
            vendorID: 0x072F,
            productID: 0x223B
        )
    )
    static let virtual = ReaderInfo(
        name: "Virtual PCD 00 01",
        id: ReaderID(rawValue: "Virtual PCD 00 01"),
        identity: ReaderIdentity()
    )
    static let events: [ReaderEvent] = [
        .attached(usb), .attached(virtual),
        .cardInserted(
            reader: usb.name,
            atr: [0x3B, 0x88, 0x80, 0x01, 0xE1, 0xF3, 0x5E, 0x11, 0x77, 0x83, 0x95, 0x00, 0x6C]
        ),
        .cardRemoved(reader: usb.name), .detached(name: virtual.name, id: virtual.id),
        .serviceUnavailable(PCSCError(code: 0x8010_001D, function: "SCardEstablishContext")), .serviceRestored,
    ]

    @Test func readerEventsAreTheSameLinesForDaemonClientsAndTheCommandLine() async throws {
        // The daemon: monitor events → registry → subscribers → a client's connection.
        let registry = ReaderRegistry()
        let subscribers = SubscriberList()
        let (client, transport) = Connection.recording(id: 1)
        subscribers.add(client, records: false)
        for event in Self.events {
            for notification in await registry.apply(event) { subscribers.broadcast(notification) }
        }
        // The command line: the same events through `cancuoc readers --watch --json`'s notifier.
        var notifier = ReaderEventNotifier()
        let printed = Self.events.flatMap { notifier.notifications(for: $0) }.map {
            String(decoding: $0.message, as: UTF8.self)
        }

        #expect(transport.lines == printed)
        try Self.expectGolden(printed, file: "reader-events.jsonl")
    }

    @Test func everyEventHasAGoldenLine() async throws {
        var record = try await Self.record()
        record.stats = CitizenRecord.Stats(apdus: 17, bytesSent: 1200, bytesReceived: 23000, durationMs: 25)
        var identity = record
        identity.face = nil
        identity.faceStatus = .pending
        identity.stats = CitizenRecord.Stats(apdus: 12, bytesSent: 400, bytesReceived: 3000, durationMs: 9)
        let samples: [APINotification] = [
            .attached(Self.usb), .detached(Self.usb),
            .inserted(Self.usb, atr: [0x3B, 0x80, 0x80, 0x01, 0x01]), .removed(Self.usb),
            .unavailable(PCSCError(code: 0x8010_001D, function: "SCardListReaders")), .pcscRestored,
            .readProgress(ReadProgress(reader: Self.usb.id.rawValue, step: "DG2", done: 5, total: 9)),
            .readIdentity(ReadIdentity(reader: Self.usb.id.rawValue, record: identity)),
            .readCompleted(
                ReadCompleted(
                    reader: Self.usb.id.rawValue,
                    name: Self.usb.name,
                    outcome: .ok,
                    access: .pace,
                    verification: .verified,
                    durationMs: 812,
                    apdus: 17
                )
            ),
            .readCompleted(
                ReadCompleted(
                    reader: Self.usb.id.rawValue,
                    name: Self.usb.name,
                    outcome: .failed(.wrongKey),
                    durationMs: 240,
                    trigger: "scanner",
                    scanner: "/dev/serial/by-id/usb-scanner"
                )
            ),
            .cardRecord(
                CardRecordEvent(
                    reader: Self.usb.id.rawValue,
                    name: Self.usb.name,
                    scanner: "/dev/ttyACM0",
                    record: record,
                    qrMatchesChip: false,
                    qrMismatches: ["fullName"],
                    qrCompared: ["idNumber", "fullName", "dateOfBirth"]
                )
            ),
            .qrScanned(
                QRScanned(
                    reader: Self.usb.id.rawValue,
                    scanner: "/dev/ttyACM0",
                    verified: false,
                    qr: .init(
                        idNumber: "001090537057",
                        fullName: "Trần Minh Khoa",
                        dateOfBirth: "12081990",
                        dateOfIssue: "01012021"
                    )
                )
            ),
        ]
        #expect(Set(samples.map(\.kind)) == Set(APINotification.Kind.allCases), "a sample for every event")
        #expect(samples.filter(\.carriesPersonalData).map(\.kind) == [.readIdentity, .cardRecord, .qrScanned])
        try Self.expectGolden(samples.map { String(decoding: $0.message, as: UTF8.self) }, file: "notifications.jsonl")
    }

    /// A simulated citizen's record, read in-process (fictional data), without verification
    /// (the simulator's PKI is made anew in every run).
    static func record() async throws -> CitizenRecord {
        let profile = try CitizenProfile.load(named: "tran-minh-khoa")
        let chip = try SimulatedCCCD.make(profile: profile)
        _ = await chip.powerOn()
        let read = try await DocumentReader().read(
            over: SimulatedCardChannel(card: chip),
            request: ReadRequest(key: try CCCDKeys.can(idNumber: profile.dg13.idNumber))
        )
        return try CitizenRecord(chipRead: read, includeFaceData: false)
    }
}
