import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

extension DaemonIntegration {
    /// Issue 11 through the real socket, pcscd + vpcd and a pty standing in for the scanner:
    /// scan → tap → record to `"records": true` subscribers only.
    @Suite(.serialized)
    struct DaemonScanAndTap {
        static let reader = "Virtual PCD 00 00"

        /// The QR the card front of `profile` carries (docs/design.md §4).
        static func qrText(_ profile: CitizenProfile) -> String {
            let p = profile.dg13
            func digits(_ date: String) -> String { date.replacingOccurrences(of: "/", with: "") }
            return [
                p.idNumber, p.oldIdNumber ?? "", p.fullName, digits(p.dateOfBirth), p.sex, p.placeOfResidence,
                digits(p.dateOfIssue),
            ].joined(separator: "|")
        }

        /// A daemon with one scanner on a pty, paired with slot 0. Afterwards, its logs are
        /// searched for the scanned citizens: the QR text must never reach a log.
        static func withScannerDaemon(
            pendingSeconds: Double,
            citizens: [CitizenProfile],
            _ body: (RunningDaemon, FakeScanner, SerialLineSource) async throws -> Void
        ) async throws {
            let logs = CollectedLogs()
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let scanner = try FakeScanner(link: directory + "/usb-scanner-if00")
            defer { scanner.unplug() }
            try await RunningDaemon.with(
                logger: logs.logger("cancuoc.daemon"),
                { configuration in
                    configuration.scanners = [.init(device: scanner.link, reader: reader)]
                    configuration.scanPendingSeconds = pendingSeconds
                }
            ) { daemon in
                let source = try #require(daemon.core.scannerSources.first)
                try await withTimeout(seconds: 60) { try await eventually { source.opens >= 1 } }
                try await body(daemon, scanner, source)
            }
            let logged = logs.all.map(\.text).joined(separator: "\n")
            #expect(logged.contains("scan received"))
            for citizen in citizens {
                let p = citizen.dg13
                for secret in [p.idNumber, String(p.idNumber.suffix(6)), p.fullName, p.placeOfResidence] {
                    #expect(!logged.contains(secret), "the log holds personal data")
                }
            }
        }

        static func waitPending(_ daemon: RunningDaemon, _ pending: Bool = true) async throws {
            let pairing = daemon.core.pairing
            try await withTimeout(seconds: 60) {
                while await pairing.isPending(reader: reader) != pending {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }

        @Test func scanThenTapSendsTheRecordOnlyToRecordsSubscribers() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await Self.withScannerDaemon(pendingSeconds: 30, citizens: [profile]) { daemon, scanner, source in
                let reception = try await daemon.connect()
                let observer = try await daemon.connect()
                defer {
                    Task {
                        await reception.close()
                        await observer.close()
                    }
                }
                let (subscribed, _) = try await reception.request(1, "events.subscribe", ["records": true])
                #expect(subscribed["result"]?["records"] == .bool(true))
                try await observer.subscribe()

                // Garbage and an over-long line first: ignored, nothing pending.
                try await scanner.type("hello scanner\r\n" + String(repeating: "9", count: 3000) + "\n")
                try await withTimeout(seconds: 60) { try await eventually { source.droppedLines == 1 } }
                #expect(await !daemon.core.pairing.isPending(reader: Self.reader))

                try await scanner.type(Self.qrText(profile) + "\r\n")
                try await Self.waitPending(daemon)
                try await bench.insert(card: Citizens.card(profile), slot: 0)

                let (note, _) = try await reception.waitFor("card.record")
                let params = try #require(note["params"])
                #expect(params["reader"]?.stringValue == Self.reader)
                #expect(params["scanner"]?.stringValue == scanner.link)
                #expect(params["qrMatchesChip"] == .bool(true))
                #expect(params["qrMismatches"] == .array([]))
                #expect(params["record"]?["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
                #expect(params["record"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)

                let (completed, lines) = try await observer.waitFor("read.completed")
                #expect(completed["params"]?["outcome"]?.stringValue == "ok")
                #expect(completed["params"]?["trigger"]?.stringValue == "scanner")
                let seen = lines.joined(separator: "\n")
                #expect(!seen.contains("card.record"))
                #expect(!seen.contains(profile.dg13.idNumber))
                #expect(!seen.contains(String(profile.dg13.idNumber.suffix(6))))
                #expect(!seen.contains(profile.dg13.fullName))
                #expect(!seen.contains(JSONValue.string(profile.dg13.fullName).serialized))
                // Used once: nothing pending any more.
                #expect(await !daemon.core.pairing.isPending(reader: Self.reader))
            }
        }

        @Test func aDoctoredFrontOpensTheChipButIsReportedAsAMismatch() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            // The right ID number (so the right CAN) under another name and issue date.
            var fields = Self.qrText(profile).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            fields[2] = "Nguyễn Văn Giả"
            fields[6] = "01012020"
            try await Self.withScannerDaemon(pendingSeconds: 30, citizens: [profile]) { daemon, scanner, _ in
                let reception = try await daemon.connect()
                defer { Task { await reception.close() } }
                _ = try await reception.request(1, "events.subscribe", ["records": true])
                try await scanner.type(fields.joined(separator: "|") + "\r\n")
                try await Self.waitPending(daemon)
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let (note, _) = try await reception.waitFor("card.record")
                #expect(note["params"]?["qrMatchesChip"] == .bool(false))
                #expect(note["params"]?["qrMismatches"] == .array(["fullName", "dateOfIssue"]))
                // The record is the chip's, never the printed front's.
                #expect(note["params"]?["record"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func theQRofAnotherCardFailsOnceWithWrongKey() async throws {
            let bench = try await PCSCBench.shared()
            let holder = try Citizens.profile("tran-minh-khoa")
            let stranger = try Citizens.profile("le-thi-hong-nhung")
            try await Self.withScannerDaemon(pendingSeconds: 30, citizens: [holder, stranger]) { daemon, scanner, _ in
                let reception = try await daemon.connect()
                defer { Task { await reception.close() } }
                _ = try await reception.request(1, "events.subscribe", ["records": true])

                try await scanner.type(Self.qrText(stranger) + "\r")
                try await Self.waitPending(daemon)
                try await bench.insert(card: Citizens.card(holder), slot: 0)
                let (completed, lines) = try await reception.waitFor("read.completed")
                #expect(completed["params"]?["outcome"]?.stringValue == "wrongKey")
                #expect(completed["params"]?["trigger"]?.stringValue == "scanner")
                #expect(!lines.joined().contains("card.record"))
                #expect(await !daemon.core.pairing.isPending(reader: Self.reader))

                // No retry: two seconds on, no second read and no record; hello still answers.
                try await Task.sleep(for: .seconds(2))
                let (hello, notes) = try await reception.request(2, "hello", seconds: 10)
                #expect(hello["result"]?["apiLevel"] != nil)
                #expect(!notes.contains { $0["method"]?.stringValue == "read.completed" })
                #expect(!notes.contains { $0["method"]?.stringValue == "card.record" })
            }
        }

        @Test func aScanWithoutACardBecomesAnUnverifiedCheckInAfterAReplug() async throws {
            _ = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await Self.withScannerDaemon(pendingSeconds: 1, citizens: [profile]) { daemon, scanner, source in
                let reception = try await daemon.connect()
                let observer = try await daemon.connect()
                defer {
                    Task {
                        await reception.close()
                        await observer.close()
                    }
                }
                _ = try await reception.request(1, "events.subscribe", ["records": true])
                try await observer.subscribe()

                // The scanner is pulled and plugged back in (a new pty behind the same link).
                scanner.unplug()
                try await withTimeout(seconds: 60) { try await eventually { !source.isConnected } }
                try scanner.plugIn()
                try await withTimeout(seconds: 60) { try await eventually { source.opens >= 2 } }

                try await scanner.type(Self.qrText(profile) + "\n")
                let (note, _) = try await reception.waitFor("qr.scanned", seconds: 15)
                let params = try #require(note["params"])
                #expect(params["verified"] == .bool(false))
                #expect(params["reader"]?.stringValue == Self.reader)
                #expect(params["qr"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
                #expect(params["qr"]?["fullName"]?.stringValue == profile.dg13.fullName)
                #expect(params["qr"]?["dateOfBirth"]?.stringValue?.count == 10)
                #expect(await !daemon.core.pairing.isPending(reader: Self.reader))

                // The plain subscriber got nothing of it.
                let (hello, notes) = try await observer.request(2, "hello", seconds: 10)
                #expect(hello["result"] != nil)
                #expect(!notes.contains { $0["method"]?.stringValue == "qr.scanned" })
            }
        }
    }
}
