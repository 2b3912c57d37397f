import ArgumentParser
import CancuocUsage
import Foundation

/// Hidden: writes read events in a loop, one transaction each, and prints the committed
/// total after every commit (the crash-safety test SIGKILLs it mid-burst).
struct UsageStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usage-stress", shouldDisplay: false)

    @Option var db: String
    @Option(help: "Stop after this many events (0: until killed).")
    var count = 0
    @Option(help: "Events per transaction.")
    var batch = 5

    func run() throws {
        let store = try UsageStore(path: db)
        let reader = ReaderUsageInfo(id: "072F:90CC:STRESS", name: "Stress Reader 00 00", vid: "072F", pid: "90CC")
        try store.applySync([.readerSeen(reader, at: Date())])
        var committed = try store.counts().events
        while count == 0 || committed < count {
            let events = (0..<max(1, batch)).map { i in
                UsageStore.Change.read(
                    ReadEvent(
                        readerID: reader.id,
                        outcome: i % 7 == 0 ? .failed(.wrongKey) : .ok,
                        access: .pace,
                        verification: .unverified,
                        durationMs: 60 + i,
                        apdus: 23,
                        bytes: 20_000
                    )
                )
            }
            try store.applySync(events)
            committed += events.count
            Output.line("committed \(committed)")
        }
    }
}
