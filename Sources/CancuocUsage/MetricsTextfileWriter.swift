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
    /// The trust directory whose state (`TrustInventory`) the file reports; nil: none.
    public let trustDirectory: String?

    public init(path: String = MetricsTextfileWriter.defaultPath, trustDirectory: String? = nil) {
        self.path = path
        self.trustDirectory = trustDirectory
    }

    /// Renders from the usage log and writes the file.
    public func write(from log: UsageLog, pcscUp: Bool) async throws {
        var snapshot = await log.metricsSnapshot()
        if let trustDirectory { snapshot?.trust = TrustInventory(directory: trustDirectory) }
        let lost = await log.lostEvents
        try write(Self.render(snapshot, lostEvents: lost, pcscUp: pcscUp))
    }

    /// Rewrites the file every `interval` until the task is cancelled; failures are
    /// logged once per episode through `onError` and never stop the loop.
    public func run(
        from log: UsageLog,
        every interval: Duration = .seconds(60),
        pcscUp: @Sendable () async -> Bool,
        onError: @Sendable (any Error) -> Void = { _ in }
    ) async {
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
            guard chmod(directory, directoryMode) == 0 else { throw posixError(directory) }  // past the umask
        } else if errno != EEXIST {
            throw posixError(directory)
        }
    }

    static func posixError(_ path: String) -> CocoaError {
        let code = errno
        return CocoaError(
            .fileWriteUnknown,
            userInfo: [
                NSFilePathErrorKey: path,
                NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO),
            ]
        )
    }

    /// The exposition text (docs/inventory.md, "Metrics"). `snapshot` nil (store unusable)
    /// still yields pcsc_up, the lost-event counter and the write time.
    public static func render(
        _ snapshot: UsageMetricsSnapshot?,
        lostEvents: Int,
        pcscUp: Bool,
        now: Date = Date()
    ) -> String {
        typealias M = InventoryMetric
        typealias L = InventoryMetric.Label
        var p = PrometheusText()
        p.family(M.pcscUp, type: "gauge", help: "1 when pcscd answers the daemon.")
        p.sample(M.pcscUp, [], pcscUp ? 1 : 0)
        p.family(
            M.eventsLost,
            type: "counter",
            help: "Read events the usage log could not store since the daemon started."
        )
        p.sample(M.eventsLost, [], Double(lostEvents))
        p.family(M.written, type: "gauge", help: "Unix time the daemon wrote these figures.")
        p.sample(M.written, [], now.timeIntervalSince1970.rounded())
        guard let s = snapshot else { return p.text }
        s.renderDamage(into: &p)
        s.trust?.render(into: &p)

        if let id = s.facilityID {
            p.family(M.facilityInfo, type: "gauge", help: "The facility id of the daemon configuration (always 1).")
            p.sample(M.facilityInfo, [(L.facilityID, id)], 1)
        }
        p.family(M.readerInfo, type: "gauge", help: "Card readers known to this clinic (always 1).")
        for r in s.readers {
            p.sample(
                M.readerInfo,
                [
                    (L.readerID, r.id), (L.name, r.name), (L.vid, r.vid ?? ""), (L.pid, r.pid ?? ""),
                    (L.vendor, r.vendor ?? ""), (L.product, r.product ?? ""),
                ],
                1
            )
        }
        p.family(M.readerPresent, type: "gauge", help: "1 while the reader is attached.")
        for r in s.readers { p.sample(M.readerPresent, [(L.readerID, r.id)], r.present ? 1 : 0) }
        p.family(
            M.readerContactOnly,
            type: "gauge",
            help: "1 for a contact-only reader (a signature token): listed, never counted as an ID-card reader."
        )
        for r in s.readers { p.sample(M.readerContactOnly, [(L.readerID, r.id)], r.isContactOnly ? 1 : 0) }
        let times: [(String, String, KeyPath<UsageMetricsSnapshot.Reader, Date?>)] = [
            (M.readerFirstSeen, "Unix time the reader was first seen.", \.firstSeenOptional),
            (M.readerLastSeen, "Unix time the reader was last seen attached.", \.lastSeenOptional),
            (M.readerLastUsed, "Unix time of the reader's last finished read.", \.lastUsed),
            (M.readerLastSuccess, "Unix time of the reader's last successful read.", \.lastOK),
        ]
        for (name, help, path) in times {
            p.family(name, type: "gauge", help: help)
            for r in s.readers {
                guard let t = r[keyPath: path] else { continue }
                p.sample(name, [(L.readerID, r.id)], t.timeIntervalSince1970.rounded())
            }
        }
        p.family(M.reads, type: "counter", help: "Finished card reads by reader and outcome.")
        for r in s.readers {
            // Every outcome from 0, so that the first read of any outcome is an increase.
            let stored = Set(s.reads.keys.filter { $0.readerID == r.id }.map(\.outcome))
            for outcome in ReadEvent.storedOutcomes + stored.subtracting(ReadEvent.storedOutcomes).sorted() {
                p.sample(
                    M.reads,
                    [(L.readerID, r.id), (L.outcome, outcome)],
                    Double(s.reads[.init(readerID: r.id, outcome: outcome)] ?? 0)
                )
            }
        }
        p.family(M.readDuration, type: "histogram", help: "Duration of successful card reads.")
        for r in s.readers {
            var cumulative = 0
            for (i, bound) in UsageStore.durationBuckets.enumerated() {
                cumulative += r.okDurationBuckets[i]
                p.sample(
                    M.readDuration + "_bucket",
                    [(L.readerID, r.id), ("le", PrometheusText.format(bound))],
                    Double(cumulative)
                )
            }
            cumulative += r.okDurationBuckets[UsageStore.durationBuckets.count]
            p.sample(M.readDuration + "_bucket", [(L.readerID, r.id), ("le", "+Inf")], Double(cumulative))
            p.sample(M.readDuration + "_sum", [(L.readerID, r.id)], r.okDurationSumSeconds)
            p.sample(M.readDuration + "_count", [(L.readerID, r.id)], Double(cumulative))
        }
        s.renderFaceChecks(into: &p)
        return p.text
    }
}

extension UsageMetricsSnapshot.Reader {
    fileprivate var firstSeenOptional: Date? { firstSeen }
    fileprivate var lastSeenOptional: Date? { lastSeen }
}
