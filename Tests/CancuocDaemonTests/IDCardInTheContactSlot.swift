import CardSimulator
import Foundation
import PCSC
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CardService
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// Issue 30: the ID card pushed into the contact slot of a dual reader. Its contact ATR
    /// ("Javelin-OS 1.0") is recognised; the eMRTD application is tried over the contact
    /// interface; a chip that does not answer it gets a sentence telling the desk where the
    /// card goes. A signature token still receives no command.
    @Suite(.serialized)
    struct IDCardInTheContactSlot {
        static let atr = KnownCard.vietnameseIDCardContactChip.atrs[0]

        /// Slot 1 holds the contact chip (answering the eMRTD application or not); slot 0 is
        /// empty or holds `slot0`.
        static func with<T>(
            answering: Bool,
            slot0: (any APDUHandler)? = nil,
            _ body: (PCSCBench, ContactChip, CitizenProfile) async throws -> T
        ) async throws -> T {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            let chip = ContactChip(atr: atr, answering: answering ? try Citizens.card(profile) : nil)
            try await bench.insert(card: chip, slot: 1)
            if let slot0 { try await bench.insert(card: slot0, slot: 0) }
            do {
                let result = try await body(bench, chip, profile)
                await bench.removeAll()
                return result
            } catch {
                await bench.removeAll()
                throw error
            }
        }

        @Test func theATRIsOursAndNoOther() {
            #expect(KnownCard.identify(Self.atr) == .vietnameseIDCardContactChip)
            #expect(KnownCard.identify(SignatureToken.atr) == nil)
            let c = ReaderClassification.classify(name: "ACS ACR1281 1S Dual Reader ICC 00 00", atr: Self.atr)
            #expect(c.holdsIDCardContactChip && !c.holdsContactCard && c.mayReadIDCards)
            let token = ReaderClassification.classify(
                name: "ACS ACR1281 1S Dual Reader ICC 00 00",
                atr: SignatureToken.atr
            )
            #expect(token.holdsContactCard && !token.holdsIDCardContactChip && !token.mayReadIDCards)
        }

        @Test func cancuocReadersNamesTheIDCardsContactChip() async throws {
            try await Self.with(answering: false) { bench, chip, _ in
                let text = try await CommandLineRead.cancuoc(["readers"], socket: bench.socketPath)
                #expect(text.status == 0, "\(text.stderr)")
                #expect(text.stdout.contains("the ID card's contact chip"), "\(text.stdout)")
                if FileManager.default.fileExists(atPath: SmartcardList.debianPath) {
                    #expect(text.stdout.contains("known as: Vietnam ID Card (eID) (pcsc-tools)"), "\(text.stdout)")
                }
                #expect(await chip.commandsReceived == 0, "listing readers sends no command")
            }
        }

        @Test func aContactChipThatDoesNotAnswerGetsTheSentence() async throws {
            try await Self.with(answering: false) { bench, chip, profile in
                for reader in [[], ["--reader", bench.readerName(slot: 1)]] {
                    let run = try await CommandLineRead.cancuoc(
                        ["read", "--id", profile.dg13.idNumber, "--wait", "5"] + reader,
                        socket: bench.socketPath
                    )
                    #expect(run.status == ExitStatus.unreadableCard.rawValue, "\(run.stderr)")
                    #expect(run.stderr.contains("contactless (NFC) reader"), "\(run.stderr)")
                    #expect(!run.stderr.contains("Không tìm thấy đầu đọc"))
                }
                try await RunningDaemon.with { daemon in
                    let client = try await daemon.connect()
                    defer { Task { await client.close() } }
                    let (read, _) = try await client.request(
                        1,
                        "card.read",
                        ["key": ["id": .string(profile.dg13.idNumber)], "waitForCardSeconds": 5]
                    )
                    #expect(errorCode(read) == 1006, "\(read)")
                    #expect(read["error"]?["message"]?.stringValue?.contains("contactless (NFC) reader") == true)
                    #expect(read["error"]?["data"]?["messageVi"]?.stringValue == KnownCard.contactChipAdviceVi)
                }
                #expect(await chip.commandsReceived > 0, "the eMRTD application was tried")
            }
        }

        @Test func aContactChipThatAnswersIsReadLikeAnyCard() async throws {
            try await Self.with(answering: true) { bench, chip, profile in
                try await RunningDaemon.with { daemon in
                    let client = try await daemon.connect()
                    defer { Task { await client.close() } }
                    let (read, _) = try await client.request(
                        1,
                        "card.read",
                        ["key": ["id": .string(profile.dg13.idNumber)], "waitForCardSeconds": 5]
                    )
                    #expect(errorCode(read) == nil, "\(read)")
                    #expect(read["result"]?["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
                }
                let run = try await CommandLineRead.cancuoc(
                    ["read", "--id", profile.dg13.idNumber, "--json", "--wait", "5"],
                    socket: bench.socketPath
                )
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.contains(profile.dg13.fullName))
                #expect(await chip.commandsReceived > 0)
            }
        }

        @Test func aSignatureTokenStillGetsNoCommand() async throws {
            let token = SignatureToken()
            try await Self.with(answering: false, slot0: token) { bench, _, profile in
                let run = try await CommandLineRead.cancuoc(
                    ["read", "--id", profile.dg13.idNumber, "--wait", "5"],
                    socket: bench.socketPath
                )
                #expect(run.status == ExitStatus.unreadableCard.rawValue, "\(run.stderr)")
                #expect(run.stderr.contains("contactless (NFC) reader"))
                let named = try await CommandLineRead.cancuoc(
                    ["read", "--id", profile.dg13.idNumber, "--reader", bench.readerName(slot: 0)],
                    socket: bench.socketPath
                )
                #expect(named.status == ExitStatus.noReaderOrCard.rawValue, "\(named.stderr)")
                #expect(await token.commandsReceived == 0)
            }
        }
    }
}
