import CardSimulator
import Foundation
import MRTD
import PCSC
import SmartCard
import TestBench
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CardService
@testable import ServiceTestSupport

extension DaemonIntegration {
    /// Issue 17: a clinic PC with a digital-signature token (a contact card to PC/SC) plugged in
    /// beside the ID-card reader. Slot 0 holds the simulated CCCD, slot 1 the token; the token
    /// must never be chosen by default nor receive a single command.
    @Suite(.serialized)
    struct SignatureTokenBesideTheReader {
        static func withTokenAndCard<T>(
            _ body: (PCSCBench, SignatureToken, CitizenProfile) async throws -> T
        ) async throws -> T {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            let token = SignatureToken()
            try await bench.insert(card: token, slot: 1)
            try await bench.insert(card: Citizens.card(profile), slot: 0)
            do {
                let result = try await body(bench, token, profile)
                await bench.removeAll()
                return result
            } catch {
                await bench.removeAll()
                throw error
            }
        }

        @Test func cancuocReadWithoutReaderReadsTheIDCardAndNeverTouchesTheToken() async throws {
            try await Self.withTokenAndCard { bench, token, profile in
                let run = try await CommandLineRead.cancuoc(
                    ["read", "--id", profile.dg13.idNumber, "--json", "--wait", "5"],
                    socket: bench.socketPath
                )
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.contains(profile.dg13.fullName))
                #expect(await token.commandsReceived == 0)
            }
        }

        @Test func cardReadWithoutReaderReadsTheIDCardAndReadersListSaysWhichIsWhich() async throws {
            try await Self.withTokenAndCard { bench, token, profile in
                try await RunningDaemon.withClient { daemon, client in
                    let (read, _) = try await client.request(
                        1,
                        "card.read",
                        [
                            "key": ["id": .string(profile.dg13.idNumber)],
                            "waitForCardSeconds": 5,
                        ]
                    )
                    #expect(errorCode(read) == nil, "\(read)")
                    #expect(read["result"]?["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
                    let (list, _) = try await client.request(2, "readers.list")
                    let readers = list["result"]?["readers"]?.arrayValue ?? []
                    let kinds = Dictionary(
                        uniqueKeysWithValues: readers.compactMap { r in
                            r["name"]?.stringValue.map { ($0, r["kind"]?.stringValue ?? "missing") }
                        }
                    )
                    #expect(kinds[bench.readerName(slot: 0)] == ReaderKind.contactless.rawValue)
                    #expect(kinds[bench.readerName(slot: 1)] == ReaderKind.contactOnly.rawValue)
                }
                #expect(await token.commandsReceived == 0)
            }
        }

        @Test func cancuocReadersSaysWhichIsWhich() async throws {
            try await Self.withTokenAndCard { bench, token, _ in
                let run = try await CommandLineRead.cancuoc(["readers", "--json"], socket: bench.socketPath)
                #expect(run.status == 0, "\(run.stderr)")
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
                )
                let kinds = Dictionary(
                    uniqueKeysWithValues: (object["readers"] as? [[String: Any]] ?? []).map {
                        ($0["name"] as? String ?? "", $0["kind"] as? String ?? "missing")
                    }
                )
                #expect(kinds == [bench.readerName(slot: 0): "contactless", bench.readerName(slot: 1): "contactOnly"])
                let text = try await CommandLineRead.cancuoc(["readers"], socket: bench.socketPath)
                #expect(text.stdout.contains("contact cards only"))
                #expect(await token.commandsReceived == 0)
            }
        }

        @Test func theTokenNamedExplicitlyIsRefusedWithoutACommand() async throws {
            try await Self.withTokenAndCard { bench, token, profile in
                let run = try await CommandLineRead.cancuoc(
                    ["read", "--id", profile.dg13.idNumber, "--reader", bench.readerName(slot: 1)],
                    socket: bench.socketPath
                )
                #expect(run.status == 2, "\(run.stderr)")
                #expect(run.stderr.contains("contact card"))
                // Below the selection too: a read started on it stops before connecting.
                let context = try await PCSCContext.establish()
                let failure: ReadFailure? = await {
                    do {
                        _ = try await CardReading().read(
                            reader: context.reader(named: bench.readerName(slot: 1)),
                            identity: nil,
                            request: CardReadRequest(key: KeySpec(id: profile.dg13.idNumber))
                        )
                        return nil
                    } catch let failure as ReadFailure {
                        return failure
                    } catch {
                        return nil
                    }
                }()
                await context.release()
                guard case .unreadableCard(let why)? = failure else {
                    Issue.record("expected unreadableCard, got \(String(describing: failure))")
                    return
                }
                #expect(why.contains("contact card"))
                #expect(await token.commandsReceived == 0)
            }
        }

        @Test func diagWithoutReaderChecksEveryReaderAndNamesTheIDCardReader() async throws {
            try await Self.withTokenAndCard { bench, token, profile in
                let report = await ReaderDiagnostics(key: KeySpec(id: profile.dg13.idNumber), latencyProbes: 3).run()
                #expect(report.exitCode == 0, "\(report)")
                #expect(report.reader == bench.readerName(slot: 0))
                let readers = try #require(report.readers)
                #expect(readers.map(\.reader) == [bench.readerName(slot: 0), bench.readerName(slot: 1)])
                let idReader = readers[0]
                let tokenReport = readers[1]
                #expect(idReader.isIDCardReader == true && idReader.kind == .contactless)
                #expect(idReader.steps.first { $0.id == .testRead }?.status == .ok)
                #expect(tokenReport.isIDCardReader == false && tokenReport.kind == .contactOnly)
                #expect(tokenReport.steps.first { $0.id == .card }?.detail.contains("not touched") == true)
                #expect(
                    !tokenReport.steps.contains {
                        [DiagnosticStep.Check.application, .latency, .testRead].contains($0.id)
                    }
                )
                #expect(
                    report.steps.first { $0.id == .readers }?.detail.contains(
                        "the ID-card reader is \(bench.readerName(slot: 0))"
                    ) == true
                )

                // The token named, with a key: the test read cannot happen there, and says why.
                let named = await ReaderDiagnostics(
                    reader: bench.readerName(slot: 1),
                    key: KeySpec(id: profile.dg13.idNumber)
                ).run()
                #expect(named.exitCode == 2)
                #expect(named.steps.first { $0.id == .card }?.status == .fail)
                #expect(!named.steps.contains { $0.id == .testRead })

                let run = try await CommandLineRead.cancuoc(["diag"], socket: bench.socketPath)
                #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
                #expect(run.stdout.contains("\(bench.readerName(slot: 0)): đầu đọc thẻ căn cước (the ID-card reader)"))
                #expect(run.stdout.contains("contact cards only"))
                #expect(!run.stdout.contains("No card reader"))
                #expect(await token.commandsReceived == 0)
            }
        }

        @Test func diagWithTwoEmptyReadersChecksBothWithoutFailing() async throws {
            let bench = try await PCSCBench.shared()
            await bench.removeAll()
            let report = await ReaderDiagnostics(latencyProbes: 1).run()
            #expect(report.exitCode == 0, "\(report)")
            #expect(report.readers?.count == 2)
            #expect(report.steps.first { $0.id == .readers }?.status == .warning)
        }
    }
}
