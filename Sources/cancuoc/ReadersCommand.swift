import ArgumentParser
import CancuocAPI
import CancuocDaemon
import CardService
import Foundation
import Logging
import PCSC
import SmartCard

/// `cancuoc readers`: what is plugged in, with stable ids (docs/design.md §9.5, §9.7).
///
/// No reader is not an error here: the list is printed empty and the exit code is 0
/// (a technician checking a clinic wants the answer "none", not a failure).
/// Exit 7 when pcscd is unreachable or refuses us.
struct ReadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List smart-card readers, their identity, and whether a card is present."
    )

    @Flag(help: "Print JSON ({\"readers\":[…]}; with --watch, one event object per line).")
    var json = false

    @Flag(help: "After listing, print reader and card events as they happen until interrupted.")
    var watch = false

    func run() async throws {
        CLILogging.bootstrap
        if watch {
            try await watchEvents()
            return
        }
        let context: PCSCContext
        do {
            context = try await PCSCContext.establish()
        } catch {
            throw fail(error)
        }
        do {
            let names = try await context.listReaders()
            let states = names.isEmpty ? [] : try await context.currentStates(of: names)
            var entries: [ReaderEntry] = []
            for state in states {
                let identity = await ReaderIdentity.read(from: context.reader(named: state.name))
                entries.append(
                    ReaderEntry(
                        name: state.name,
                        identity: identity,
                        cardPresent: state.isPresent,
                        atr: state.isPresent ? state.atr : nil
                    )
                )
            }
            await context.release()
            Output.line(
                json ? try ReaderListJSON.render(entries) : ReaderListText.render(entries, cardNames: .installed())
            )
        } catch {
            await context.release()
            throw fail(error)
        }
    }

    private func watchEvents() async throws {
        var notifier = ReaderEventNotifier()
        for await event in ReaderMonitor().events() {
            if json {
                for notification in notifier.notifications(for: event) {
                    Output.line(String(decoding: notification.message, as: UTF8.self))
                }
            } else {
                Output.line(ReaderEventText.render(event))
            }
        }
    }

    private func fail(_ error: any Error) -> ExitCode {
        let failure = ReadFailure.classify(error)
        Output.error(failure.message)
        return ExitCode(failure.exit.rawValue)
    }
}

/// One row of `cancuoc readers`.
struct ReaderEntry {
    var name: String
    var identity: ReaderIdentity
    var cardPresent: Bool
    var atr: [UInt8]?

    var id: ReaderID { ReaderID(name: name, identity: identity) }
    /// What the reader is for, from its name, features and the card on it now (docs/design.md §9.5).
    var classification: ReaderClassification {
        .classify(name: name, identity: identity, atr: cardPresent ? atr : nil)
    }

    var listing: ReaderListing {
        ReaderListing(
            id: id.rawValue,
            name: name,
            identity: ReaderIdentityListing(identity),
            cardPresent: cardPresent,
            atr: atr,
            busy: nil,
            kind: classification.kind
        )
    }
}
