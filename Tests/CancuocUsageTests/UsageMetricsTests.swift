import Foundation
import Testing

@testable import CancuocUsage
@testable import ServiceTestSupport

/// The node_exporter textfile: valid Prometheus text, the documented names and labels,
/// written atomically, no personal data.
@Suite struct UsageMetricsTests {
    @Test func theTextfileParsesAsPrometheusTextWithTheDocumentedFamilies() async throws {
        let dir = try usageTempDir()
        let log = UsageLog(configuration: .init(path: dir.appendingPathComponent("usage.sqlite").path))
        let other = ReaderUsageInfo(id: "Virtual PCD 00 00", name: "Virtual \"PCD\" 00 00")
        await log.readerSeen(sampleReader)
        await log.readerSeen(other)
        for ms in [50, 80, 120, 300, 700, 1500, 12_000] { await log.readFinished(event(ms: ms)) }
        await log.readFinished(event(.failed(.wrongKey), ms: 20))
        await log.readFinished(event(.failed(.cardRemoved), ms: 400, reader: other.id))
        await log.flush()
        let file = dir.appendingPathComponent("cancuoc.prom").path
        try await MetricsTextfileWriter(path: file).write(from: log, pcscUp: true)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

        let samples = try PrometheusTextParser.parse(text)
        typealias M = InventoryMetric
        let reader: Set<String> = ["reader_id"]
        let allowed: [String: Set<String>] = [
            M.pcscUp: [], M.eventsLost: [], M.written: [],
            M.usageLogRecoveries: [], M.usageLogDamaged: [], M.usageLogSalvaged: [],
            M.readerInfo: ["reader_id", "name", "vid", "pid", "vendor", "product"],
            M.readerPresent: reader, M.readerContactOnly: reader, M.readerFirstSeen: reader, M.readerLastSeen: reader,
            M.readerLastUsed: reader, M.readerLastSuccess: reader,
            M.reads: ["reader_id", "outcome"],
            M.readDuration + "_bucket": ["reader_id", "le"], M.readDuration + "_sum": reader,
            M.readDuration + "_count": reader,
        ]
        for s in samples {
            let labels = try #require(allowed[s.name], "unexpected metric \(s.name)")
            #expect(Set(s.labels.keys) == labels, "\(s.name)")
            #expect(s.name.hasPrefix("cancuoc_"))
        }
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        let a = ["reader_id": sampleReader.id]
        let b = ["reader_id": other.id]
        #expect(value(M.pcscUp) == 1)
        #expect(value(M.eventsLost) == 0)
        #expect(abs((value(M.written) ?? 0) - Date().timeIntervalSince1970) < 60)
        #expect(
            value(
                M.readerInfo,
                [
                    "reader_id": sampleReader.id, "name": sampleReader.name, "vid": "072F", "pid": "2200",
                    "vendor": "ACS", "product": "ACR122U PICC Interface",
                ]
            ) == 1
        )
        #expect(value(M.readerPresent, a) == 1)
        #expect(value(M.readerContactOnly, a) == 0)
        // Every outcome from 0, for every reader: the first read of any outcome is an increase.
        for outcome in ReadEvent.storedOutcomes {
            let expected: Double =
                switch outcome {
                case "ok": 7
                case "wrongKey": 1
                default: 0
                }
            #expect(value(M.reads, ["reader_id": sampleReader.id, "outcome": outcome]) == expected, "\(outcome)")
            #expect(value(M.reads, ["reader_id": other.id, "outcome": outcome]) == (outcome == "cardRemoved" ? 1 : 0))
        }
        #expect(samples.filter { $0.name == M.reads }.count == 2 * ReadEvent.storedOutcomes.count)
        // Successful reads only, per reader: 50, 80, 120, 300, 700, 1500 and 12000 ms.
        for (le, n) in [("0.1", 2.0), ("0.25", 3), ("0.5", 4), ("1", 5), ("2", 6), ("5", 6), ("10", 6), ("+Inf", 7)] {
            #expect(value(M.readDuration + "_bucket", ["reader_id": sampleReader.id, "le": le]) == n, "le \(le)")
            #expect(value(M.readDuration + "_bucket", ["reader_id": other.id, "le": le]) == 0)
        }
        #expect(value(M.readDuration + "_count", a) == 7)
        #expect(abs((value(M.readDuration + "_sum", a) ?? 0) - 14.75) < 0.0001)
        #expect(value(M.readDuration + "_count", b) == 0)
        let lastUsed = try #require(value(M.readerLastUsed, a))
        #expect(abs(lastUsed - Date().timeIntervalSince1970) < 60)
        #expect(value(M.readerLastSuccess, a) != nil)
        #expect(value(M.readerLastSuccess, b) == nil, "no successful read on the other reader")
        #expect(value(M.readerLastUsed, b) != nil)
        let firstSeen = try #require(value(M.readerFirstSeen, a))
        let lastSeen = try #require(value(M.readerLastSeen, a))
        #expect(firstSeen <= lastSeen)
        #expect(text.contains("# TYPE cancuoc_read_duration_seconds histogram"))
        #expect(text.contains("# TYPE cancuoc_card_reads_total counter"))
    }

    /// A signature token is flagged contact-only, and an unplugged reader is not present.
    @Test func contactOnlyReadersAndUnpluggedReadersAreFlagged() async throws {
        let dir = try usageTempDir()
        let log = UsageLog(
            configuration: .init(path: dir.appendingPathComponent("usage.sqlite").path, facilityID: "BP-007")
        )
        let token = ReaderUsageInfo(id: "0529:0620:1", name: "ePass2003 00 00", vid: "0529", pid: "0620")
        await log.readerSeen(sampleReader)
        await log.readerSeen(token)
        await log.readerGone(id: sampleReader.id)
        await log.flush()
        let samples = try PrometheusTextParser.parse(
            MetricsTextfileWriter.render(
                await log.metricsSnapshot(),
                lostEvents: 0,
                pcscUp: true
            )
        )
        func value(_ name: String, _ id: String) -> Double? {
            samples.first { $0.name == name && $0.labels == ["reader_id": id] }?.value
        }
        #expect(value(InventoryMetric.readerContactOnly, token.id) == 1)
        #expect(value(InventoryMetric.readerContactOnly, sampleReader.id) == 0)
        #expect(value(InventoryMetric.readerPresent, token.id) == 1)
        #expect(value(InventoryMetric.readerPresent, sampleReader.id) == 0)
        #expect(samples.contains { $0.name == InventoryMetric.facilityInfo && $0.labels == ["facility_id": "BP-007"] })
    }

    /// node_exporter (Debian: user prometheus) must reach and read the file although the
    /// daemon's unit sets UMask=0077.
    @Test func theTextfileAndItsNewDirectoryAreReadableByNodeExporter() throws {
        let dir = try usageTempDir().appendingPathComponent("metrics")
        let file = dir.appendingPathComponent("cancuoc.prom").path
        let writer = MetricsTextfileWriter(path: file)
        try writer.write(MetricsTextfileWriter.render(nil, lostEvents: 0, pcscUp: true))
        try writer.write(MetricsTextfileWriter.render(nil, lostEvents: 1, pcscUp: true))  // the directory exists now
        func mode(_ path: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
        }
        #expect(try mode(dir.path) == 0o755)
        #expect(try mode(file) == 0o644)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("cancuoc_usage_events_lost_total 1"))
    }

    @Test func withoutAStoreTheTextfileStillSaysPCSCStateAndLostEvents() throws {
        let text = MetricsTextfileWriter.render(nil, lostEvents: 3, pcscUp: false)
        let samples = try PrometheusTextParser.parse(text)
        #expect(samples.map(\.name) == [InventoryMetric.pcscUp, InventoryMetric.eventsLost, InventoryMetric.written])
        #expect(samples.map(\.value).prefix(2) == [0, 3])
    }
}

/// A strict reader of the text exposition format 0.0.4, enough to check our output.
enum PrometheusTextParser {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }
    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "malformed: \(line)" }
    }

    static func parse(_ text: String) throws -> [Sample] {
        var out: [Sample] = []
        var typed: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                else {
                    throw Malformed(line: String(line))
                }
                typed.insert(String(parts[2]))
                continue
            }
            if line.hasPrefix("#") { continue }
            var s = Substring(line)
            let name = String(s.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
            guard let first = name.first, first.isLetter || first == "_" else { throw Malformed(line: String(line)) }
            s = s.dropFirst(name.count)
            var labels: [String: String] = [:]
            if s.first == "{" {
                s = s.dropFirst()
                while s.first != "}" {
                    let key = String(s.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                    s = s.dropFirst(key.count)
                    guard !key.isEmpty, s.hasPrefix("=\"") else { throw Malformed(line: String(line)) }
                    s = s.dropFirst(2)
                    var value = ""
                    while let c = s.first, c != "\"" {
                        s = s.dropFirst()
                        if c == "\\" {
                            guard let e = s.first else { throw Malformed(line: String(line)) }
                            s = s.dropFirst()
                            value.append(e == "n" ? "\n" : e)
                        } else {
                            value.append(c)
                        }
                    }
                    guard s.first == "\"" else { throw Malformed(line: String(line)) }
                    s = s.dropFirst()
                    labels[key] = value
                    if s.first == "," { s = s.dropFirst() }
                }
                s = s.dropFirst()
            }
            guard s.first == " " else { throw Malformed(line: String(line)) }
            let v = s.dropFirst()
            guard let value = v == "+Inf" ? Double.infinity : Double(v) else { throw Malformed(line: String(line)) }
            let family = ["_bucket", "_sum", "_count"].reduce(name) { n, suffix in
                n.hasSuffix(suffix) && typed.contains(String(n.dropLast(suffix.count)))
                    ? String(n.dropLast(suffix.count)) : n
            }
            guard typed.contains(family) else { throw Malformed(line: "no TYPE before \(line)") }
            out.append(Sample(name: name, labels: labels, value: value))
        }
        return out
    }
}
