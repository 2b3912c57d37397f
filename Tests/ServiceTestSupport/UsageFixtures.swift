import CancuocUsage
import CardService
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp for one test's database.
func usageTempDir(_ name: String = #function) throws -> URL {
    let clean = name.filter { $0.isLetter || $0.isNumber }
    let url = URL(fileURLWithPath: "/tmp/cancuoc-usage-tests/\(clean)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Keeps every log message, to count them and to search them for personal data.
final class CollectedLogs: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var text: String
    }
    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }
    func append(_ e: Entry) { entries.withLock { $0.append(e) } }

    func logger(_ label: String = "cancuoc.usage") -> Logger {
        Logger(label: label) { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: CollectedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let meta = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append(Entry(level: event.level, text: "\(event.message) \(meta)"))
        }
    }
}

/// A tmpfs mounted for one test (tests run as root, where chmod protects nothing:
/// docs/design.md §10), always unmounted, even when the body throws.
func withTmpfs<T>(options: String, _ body: (URL) async throws -> T) async throws -> T {
    let dir = try usageTempDir("tmpfs")
    try await run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir.path])
    do {
        let result = try await body(dir)
        try await run("/bin/umount", [dir.path])
        return result
    } catch {
        _ = try? await run("/bin/umount", ["-l", dir.path])
        throw error
    }
}

let sampleReader = ReaderUsageInfo(
    id: "072F:2200:0123ABCD",
    name: "ACS ACR122U PICC Interface 00 00",
    vid: "072F",
    pid: "2200",
    vendor: "ACS",
    product: "ACR122U PICC Interface",
    serial: "0123ABCD",
    firmware: "2.14"
)

func event(
    _ outcome: ReadOutcome = .ok,
    at time: Date = Date(),
    ms: Int = 80,
    reader: String = sampleReader.id
) -> ReadEvent {
    ReadEvent(
        readerID: reader,
        time: time,
        outcome: outcome,
        access: .pace,
        verification: .unverified,
        durationMs: ms,
        apdus: 23,
        bytes: 20_160
    )
}
