import Foundation

/// The roll-up from the recorded aggregates (contrib/prometheus/cancuoc-recorded.rules.yml), beside
/// the raw-sample path (docs/inventory.md, "Recorded aggregates").
///
/// The rules keep, once a step (an hour), each series' last value and each counter's highest and
/// lowest value over exactly that step. The steps tile the time line, so at an evaluation time T
/// the window [T − W, T] of the raw path is covered by the evaluations in [T − (W − step), T]:
/// the same twelve questions over those evaluations give the same answers as the raw path at T,
/// reading one sample an hour instead of one a minute.
extension PrometheusInventory {
    typealias R = InventoryMetric.Recorded

    /// Which series the roll-up reads.
    public enum Source: String, Sendable, CaseIterable {
        /// The recorded aggregates when they cover the look-back (35 days); otherwise the raw
        /// series when the Prometheus has them (a province that just installed the rules);
        /// otherwise the recorded ones (a national Prometheus holds nothing else).
        case auto
        case recorded
        case raw
    }

    /// The questions of the roll-up as PromQL: twelve of readers and reads, one of face checks, four of trust.
    public struct Queries: Sendable, Equatable {
        public var written, lost, info, present, firstSeen, lastSeen, lastUsed, lastSuccess: String
        public var day, week, month, median: String
        /// Face checks per reader and decision in 30 days; the clinic's trust (`PrometheusInventory+Trust`).
        public var faceChecks, trustCSCAs, crlIssued, crlNextUpdate, trustPackages: String

        /// Every question, in the order the roll-up asks them.
        public var all: [String] {
            [
                written, lost, info, present, firstSeen, lastSeen, lastUsed, lastSuccess, day, week, month, median,
                faceChecks, trustCSCAs, crlIssued, crlNextUpdate, trustPackages,
            ]
        }

        /// From the clinics' raw series (`Query`).
        public static let raw = Queries(
            written: Query.written,
            lost: Query.lost,
            info: Query.info,
            present: Query.present,
            firstSeen: Query.firstSeen,
            lastSeen: Query.lastSeen,
            lastUsed: Query.lastUsed,
            lastSuccess: Query.lastSuccess,
            day: Query.reads(days: 1),
            week: Query.reads(days: 7),
            month: Query.reads(days: 30),
            median: Query.median,
            faceChecks: Query.faceChecks,
            trustCSCAs: Query.trustCSCAs,
            crlIssued: Query.crlIssued,
            crlNextUpdate: Query.crlNextUpdate,
            trustPackages: Query.trustPackages
        )

        /// From the recorded aggregates of a group evaluated every `stepSeconds` (1 to 86,399),
        /// only the series with the labels `matching` (a province's, on a national Prometheus).
        public static func recorded(stepSeconds: Int, matching: [String: String] = [:]) -> Queries {
            let selector =
                matching.isEmpty
                ? ""
                : "{"
                    + matching.sorted { $0.key < $1.key }.map { key, value in
                        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
                            .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
                        return "\(key)=\"\(escaped)\""
                    }.joined(separator: ",") + "}"
            // Half a step short of the window: the evaluations at T, T − step, … down to
            // T − (W − step), whatever a range's ends include (closed in Prometheus 2, left-open in 3).
            func range(days: Int) -> String { "[\(days * 86_400_000 - stepSeconds * 500)ms]" }
            func last(_ name: String) -> String { "last_over_time(\(name)\(selector)\(range(days: lookbackDays)))" }
            // The highest minus the lowest, as on the raw path; the rules keep a counter only in
            // the steps where it is above zero, so when the reader reported in a step of the
            // window without a lowest value here (all its samples were 0: fewer steps than
            // `readerPresent`, which has one in every step the reader reported), the lowest is 0.
            // A counter with no value in the window at all is absent: 0 reads.
            func difference(_ max: String, _ min: String, per label: String, _ window: String) -> String {
                let highest = "max_over_time(\(max)\(selector)\(window))"
                let steps = "count_over_time(\(min)\(selector)\(window))"
                let reported = "count_over_time(\(R.readerPresent)\(selector)\(window))"
                return
                    "(\(highest) - (min_over_time(\(min)\(selector)\(window)) and \(steps) == ignoring(\(label)) group_left \(reported))) or \(highest)"
            }
            func reads(days: Int) -> String { difference(R.readsMax, R.readsMin, per: L.outcome, range(days: days)) }
            return Queries(
                written: last(R.written),
                lost: last(R.eventsLost),
                info: last(R.readerInfo),
                present: last(R.readerPresent),
                firstSeen: last(R.readerFirstSeen),
                lastSeen: last(R.readerLastSeen),
                lastUsed: last(R.readerLastUsed),
                lastSuccess: last(R.readerLastSuccess),
                day: reads(days: 1),
                week: reads(days: 7),
                month: reads(days: 30),
                median:
                    "histogram_quantile(0.5, \(difference(R.durationBucketMax, R.durationBucketMin, per: "le", range(days: 30))))",
                faceChecks: difference(R.faceChecksMax, R.faceChecksMin, per: L.decision, range(days: 30)),
                trustCSCAs: last(R.trustCSCAs),
                crlIssued: last(R.trustCRLIssued),
                crlNextUpdate: last(R.trustCRLNextUpdate),
                trustPackages: last(R.trustPackageInfo)
            )
        }
    }

    /// The evaluations of the recorded aggregates found in the look-back: one group on a
    /// province's Prometheus, one per province (its `province` label) on a national one. Each
    /// group is read at its own latest evaluation, so every province's figures are exact.
    public struct Evaluation: Sendable, Equatable {
        public struct Group: Sendable, Equatable {
            /// The labels of its evaluation series but the step (`province` nationally).
            public var labels: [String: String]
            public var time: Date
            public var stepSeconds: Int
            /// Its earliest evaluation in the look-back.
            public var earliest: Date

            /// The recorded series cover the whole 35 days: the earliest evaluation is at most
            /// one step after `time` − 35 days.
            public var coversLookback: Bool {
                earliest.timeIntervalSince(time) <= -Double(lookbackDays * 86_400 - stepSeconds)
            }
        }

        /// Sorted by labels.
        public var groups: [Group]

        /// The latest evaluation of all groups.
        public var time: Date { groups.map(\.time).max() ?? .distantPast }
        public var stepSeconds: Int { groups.map(\.stepSeconds).max() ?? 0 }
        public var earliest: Date { groups.map(\.earliest).min() ?? .distantPast }
        public var coversLookback: Bool { groups.allSatisfy(\.coversLookback) }
    }

    /// What the roll-up read, for the line printed with the table.
    public struct Reading: Sendable {
        public var inputs: [ProvinceRollup.Input]
        public var source: Source
        /// The instant every query was evaluated at.
        public var evaluatedAt: Date
        public var evaluation: Evaluation?
        /// Why `auto` chose the raw series, in Vietnamese and English.
        public var note: String?

        public var description: String {
            let at = InventoryReport.iso(evaluatedAt)
            var line =
                source == .recorded
                ? "Nguồn: số liệu tổng hợp cancuoc:* (bước \(evaluation?.stepSeconds ?? 0) s) lúc \(at) / Source: recorded aggregates (step \(evaluation?.stepSeconds ?? 0) s) at \(at)"
                : "Nguồn: mẫu gốc lúc \(at) / Source: raw samples at \(at)"
            if let note { line += "\n" + note }
            return line
        }
    }

    public enum SourceError: Error, Sendable, Equatable, CustomStringConvertible {
        case noRecordedAggregates
        case badStep(String)

        public var description: String {
            switch self {
            case .noRecordedAggregates:
                return
                    "Prometheus không có số liệu tổng hợp / Prometheus holds no recorded aggregates (\(R.evaluation) in the last \(lookbackDays) days): install cancuoc-recorded.rules.yml, or use --source raw."
            case .badStep(let text):
                return
                    "Bước tổng hợp không hợp lệ / The recorded aggregates' step \(R.stepLabel)=\"\(text)\" is not a whole number of seconds between 1 and 86399."
            }
        }
    }

    /// The evaluations of the recorded aggregates before `now`, nil when there is none.
    public func recordedEvaluation(at now: Date) async throws -> Evaluation? {
        let lookback = "[\(Self.lookbackDays)d]"
        let last = try await client.query("last_over_time(\(R.evaluation)\(lookback))", at: now)
        func key(_ labels: [String: String]) -> [String: String] {
            labels.filter { $0.key != R.stepLabel && $0.key != "__name__" }
        }
        var groups: [[String: String]: Evaluation.Group] = [:]
        for s in last.samples where s.value.isFinite && abs(s.value) < 1e11 {
            let stepText = s.labels[R.stepLabel] ?? ""
            guard let step = Int(stepText), step > 0, step < 86_400 else {
                throw SourceError.badStep(UsageText.clip(stepText))
            }
            let time = Date(timeIntervalSince1970: s.value)
            if let old = groups[key(s.labels)], old.time >= time { continue }
            groups[key(s.labels)] = .init(labels: key(s.labels), time: time, stepSeconds: step, earliest: time)
        }
        guard !groups.isEmpty else { return nil }
        let first = try await client.query("min_over_time(\(R.evaluation)\(lookback))", at: now)
        for s in first.samples where s.value.isFinite && abs(s.value) < 1e11 {
            let t = Date(timeIntervalSince1970: s.value)
            if let g = groups[key(s.labels)], t < g.earliest { groups[key(s.labels)]?.earliest = t }
        }
        return Evaluation(
            groups: groups.values.sorted {
                $0.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                    < $1.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
        )
    }

    /// The reports from the series `source` names, evaluated at `now` (raw) or at the latest
    /// evaluation of the recorded aggregates (recorded).
    public func reading(at now: Date, source: Source) async throws -> Reading {
        let evaluation = source == .raw ? nil : try await recordedEvaluation(at: now)
        switch (source, evaluation) {
        case (.raw, _):
            return Reading(inputs: try await inputs(at: now, queries: .raw), source: .raw, evaluatedAt: now)
        case (.recorded, nil):
            throw SourceError.noRecordedAggregates
        case (.auto, nil):
            return Reading(inputs: try await inputs(at: now, queries: .raw), source: .raw, evaluatedAt: now)
        case (.recorded, let e?):
            return try await recorded(e)
        case (.auto, let e?):
            if e.coversLookback { return try await recorded(e) }
            let raw = try await inputs(at: now, queries: .raw)
            if raw.isEmpty { return try await recorded(e) }
            let note =
                "Số liệu tổng hợp chỉ có từ \(InventoryReport.iso(e.earliest)), dùng mẫu gốc / The recorded aggregates start at \(InventoryReport.iso(e.earliest)), less than \(Self.lookbackDays) days: raw samples used (backfill them: docs/inventory.md)."
            return Reading(inputs: raw, source: .raw, evaluatedAt: now, evaluation: e, note: note)
        }
    }

    /// Each group (province) at its own latest evaluation, with its own step.
    func recorded(_ e: Evaluation) async throws -> Reading {
        var inputs: [ProvinceRollup.Input] = []
        for g in e.groups {
            inputs += try await self.inputs(
                at: g.time,
                queries: .recorded(stepSeconds: g.stepSeconds, matching: g.labels)
            )
        }
        return Reading(inputs: inputs, source: .recorded, evaluatedAt: e.time, evaluation: e)
    }
}
