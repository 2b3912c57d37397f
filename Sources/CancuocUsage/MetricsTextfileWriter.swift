import Foundation

/// Writes the usage metrics as a node_exporter textfile (`--collector.textfile.directory`),
/// atomically: a temporary file in the same directory, then rename. The daemon calls
/// `write(pcscUp:)` periodically. Labels hold reader identity only, never personal data.
///
/// node_exporter runs as a user of its own (Debian: `prometheus`), so the file is made
/// world-readable (0644) whatever the daemon's umask (the unit sets 0077), and a missing parent
/// directory is created traversable (0755). The Debian package links the file from Debian's
/// textfile directory, `/var/lib/prometheus/node-exporter` (docs/operations.md).
public struct MetricsTextfileWriter: Sendable {
    public static let defaultPath = "/var/lib/cancuoc/metrics/cancuoc.prom"
    public static let fileMode: mode_t = 0o644
    public static let directoryMode: mode_t = 0o755
    public let path: String

    public init(path: String = MetricsTextfileWriter.defaultPath) { self.path = path }

    /// Renders from the usage log and writes the file.
    public func write(from log: UsageLog, pcscUp: Bool) async throws {
        let snapshot = await log.metricsSnapshot()
        let lost = await log.lostEvents
        try write(Self.render(snapshot, lostEvents: lost, pcscUp: pcscUp))
    }

    /// Rewrites the file every `interval` until the task is cancelled; failures are
    /// logged once per episode through `onError` and never stop the loop.
    public func run(from log: UsageLog, every interval: Duration = .seconds(60),
                    pcscUp: @Sendable () async -> Bool, onError: @Sendable (any Error) -> Void = { _ in }) async {
        var failing = false
        while !Task.isCancelled {
            do {
                try await write(from: log, pcscUp: await pcscUp())
                failing = false
            } catch {
                if !failing { onError(error) }
                failing = true
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// Atomic replace: readers of the file see the old or the new version, never a part.
    public func write(_ text: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try Self.createDirectoryIfMissing(directory.path)
        let tmp = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: tmp)
            guard chmod(tmp.path, Self.fileMode) == 0 else { throw Self.posixError(tmp.path) }
            guard rename(tmp.path, url.path) == 0 else { throw Self.posixError(path) }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    /// Creates the file's directory (only the last level: its parent must exist) with
    /// `directoryMode`, so that node_exporter can reach the file.
    static func createDirectoryIfMissing(_ directory: String) throws {
        if mkdir(directory, directoryMode) == 0 {
            guard chmod(directory, directoryMode) == 0 else { throw posixError(directory) }   // past the umask
        } else if errno != EEXIST {
            throw posixError(directory)
        }
    }

    static func posixError(_ path: String) -> CocoaError {
        let code = errno
        return CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                       NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)])
    }

    /// The exposition text. `snapshot` nil (store unusable) still yields pcsc_up and the
    /// lost-event counter.
    public static func render(_ snapshot: UsageMetricsSnapshot?, lostEvents: Int, pcscUp: Bool) -> String {
        var p = PrometheusText()
        p.family("cancuoc_pcsc_up", type: "gauge", help: "1 when pcscd answers the daemon.")
        p.sample("cancuoc_pcsc_up", [], pcscUp ? 1 : 0)
        p.family("cancuoc_usage_events_lost_total", type: "counter",
                 help: "Read events the usage log could not store since the daemon started.")
        p.sample("cancuoc_usage_events_lost_total", [], Double(lostEvents))
        guard let s = snapshot else { return p.text }

        p.family("cancuoc_reader_info", type: "gauge", help: "Card readers known to this clinic (always 1).")
        for r in s.readers {
            p.sample("cancuoc_reader_info", [("reader_id", r.id), ("vid", r.vid ?? ""), ("pid", r.pid ?? ""),
                                             ("vendor", r.vendor ?? ""), ("product", r.product ?? "")], 1)
        }
        p.family("cancuoc_card_reads_total", type: "counter", help: "Finished card reads by reader and result.")
        for (key, n) in s.reads.sorted(by: { $0.key < $1.key }) {
            p.sample("cancuoc_card_reads_total", [("reader_id", key.readerID), ("result", key.outcome)], Double(n))
        }
        p.family("cancuoc_read_duration_seconds", type: "histogram", help: "Duration of finished card reads.")
        var cumulative = 0
        for (i, bound) in UsageStore.durationBuckets.enumerated() {
            cumulative += s.durationBuckets[i]
            p.sample("cancuoc_read_duration_seconds_bucket", [("le", PrometheusText.format(bound))], Double(cumulative))
        }
        cumulative += s.durationBuckets[UsageStore.durationBuckets.count]
        p.sample("cancuoc_read_duration_seconds_bucket", [("le", "+Inf")], Double(cumulative))
        p.sample("cancuoc_read_duration_seconds_sum", [], s.durationSumSeconds)
        p.sample("cancuoc_read_duration_seconds_count", [], Double(cumulative))
        p.family("cancuoc_reader_last_used_timestamp_seconds", type: "gauge",
                 help: "Unix time of the reader's last finished read.")
        for r in s.readers {
            guard let t = r.lastUsed else { continue }
            p.sample("cancuoc_reader_last_used_timestamp_seconds", [("reader_id", r.id)], t.timeIntervalSince1970.rounded())
        }
        return p.text
    }
}
