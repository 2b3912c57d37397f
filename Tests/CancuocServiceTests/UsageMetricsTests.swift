import Foundation
import Testing
@testable import CancuocUsage


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
        await log.readFinished(event("wrongKey", ms: 20))
        await log.readFinished(event("cardRemoved", ms: 400, reader: other.id))
        await log.flush()
        let file = dir.appendingPathComponent("cancuoc.prom").path
        try await MetricsTextfileWriter(path: file).write(from: log, pcscUp: true)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

        let samples = try PrometheusTextParser.parse(text)
        let allowed: [String: Set<String>] = [
            "cancuoc_pcsc_up": [], "cancuoc_usage_events_lost_total": [],
            "cancuoc_reader_info": ["reader_id", "vid", "pid", "vendor", "product"],
            "cancuoc_card_reads_total": ["reader_id", "result"],
            "cancuoc_read_duration_seconds_bucket": ["le"], "cancuoc_read_duration_seconds_sum": [],
            "cancuoc_read_duration_seconds_count": [],
            "cancuoc_reader_last_used_timestamp_seconds": ["reader_id"],
        ]
        for s in samples {
            let labels = try #require(allowed[s.name], "unexpected metric \(s.name)")
            #expect(Set(s.labels.keys) == labels, "\(s.name)")
        }
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("cancuoc_pcsc_up") == 1)
        #expect(value("cancuoc_usage_events_lost_total") == 0)
        #expect(value("cancuoc_reader_info", ["reader_id": sampleReader.id, "vid": "072F", "pid": "2200", "vendor": "ACS",
                                              "product": "ACR122U PICC Interface"]) == 1)
        #expect(value("cancuoc_card_reads_total", ["reader_id": sampleReader.id, "result": "ok"]) == 7)
        #expect(value("cancuoc_card_reads_total", ["reader_id": sampleReader.id, "result": "wrongKey"]) == 1)
        #expect(value("cancuoc_card_reads_total", ["reader_id": other.id, "result": "cardRemoved"]) == 1)
        #expect(value("cancuoc_read_duration_seconds_bucket", ["le": "0.1"]) == 3)
        #expect(value("cancuoc_read_duration_seconds_bucket", ["le": "0.5"]) == 6)
        #expect(value("cancuoc_read_duration_seconds_bucket", ["le": "10"]) == 8)
        #expect(value("cancuoc_read_duration_seconds_bucket", ["le": "+Inf"]) == 9)
        #expect(value("cancuoc_read_duration_seconds_count") == 9)
        #expect(abs((value("cancuoc_read_duration_seconds_sum") ?? 0) - 15.17) < 0.0001)
        let lastUsed = try #require(value("cancuoc_reader_last_used_timestamp_seconds", ["reader_id": sampleReader.id]))
        #expect(abs(lastUsed - Date().timeIntervalSince1970) < 60)
        #expect(text.contains("# TYPE cancuoc_read_duration_seconds histogram"))
        #expect(text.contains("# TYPE cancuoc_card_reads_total counter"))
    }

    /// node_exporter (Debian: user prometheus) must reach and read the file although the
    /// daemon's unit sets UMask=0077.
    @Test func theTextfileAndItsNewDirectoryAreReadableByNodeExporter() throws {
        let dir = try usageTempDir().appendingPathComponent("metrics")
        let file = dir.appendingPathComponent("cancuoc.prom").path
        let writer = MetricsTextfileWriter(path: file)
        try writer.write(MetricsTextfileWriter.render(nil, lostEvents: 0, pcscUp: true))
        try writer.write(MetricsTextfileWriter.render(nil, lostEvents: 1, pcscUp: true))   // the directory exists now
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
        #expect(samples.map(\.name) == ["cancuoc_pcsc_up", "cancuoc_usage_events_lost_total"])
        #expect(samples.map(\.value) == [0, 3])
    }
}

/// A strict reader of the text exposition format 0.0.4, enough to check our output.
enum PrometheusTextParser {
    struct Sample: Equatable { var name: String; var labels: [String: String]; var value: Double }
    struct Malformed: Error, CustomStringConvertible { var line: String; var description: String { "malformed: \(line)" } }

    static func parse(_ text: String) throws -> [Sample] {
        var out: [Sample] = []
        var typed: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
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
                n.hasSuffix(suffix) && typed.contains(String(n.dropLast(suffix.count))) ? String(n.dropLast(suffix.count)) : n
            }
            guard typed.contains(family) else { throw Malformed(line: "no TYPE before \(line)") }
            out.append(Sample(name: name, labels: labels, value: value))
        }
        return out
    }
}
