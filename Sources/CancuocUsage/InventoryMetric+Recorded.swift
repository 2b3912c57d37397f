extension InventoryMetric {
    /// The recorded aggregates of contrib/prometheus/cancuoc-recorded.rules.yml (docs/inventory.md,
    /// "Recorded aggregates"): one value per evaluation step (an hour) per facility and reader,
    /// what the roll-up reads instead of the raw minute samples, and all a province sends to the
    /// national Prometheus (`cancuoc:` is the prefix its `write_relabel_configs` keep).
    /// CancuocUsageTests (RecordedAggregates) checks that every name here is recorded by the rule file.
    public enum Recorded {
        public static let prefix = "cancuoc:"
        /// `vector(time())` at each evaluation, label `step_seconds`: when and how often the
        /// group ran. The roll-up evaluates its queries at the latest of these.
        public static let evaluation = "cancuoc:evaluation_timestamp_seconds"
        /// The label of `evaluation` that gives the step, so the roll-up needs no setting.
        public static let stepLabel = "step_seconds"
        public static let written = "cancuoc:metrics_written_timestamp_seconds:last1h"
        public static let eventsLost = "cancuoc:usage_events_lost:last1h"
        public static let readerInfo = "cancuoc:reader_info:last1h"
        public static let readerPresent = "cancuoc:reader_present:last1h"
        public static let readerFirstSeen = "cancuoc:reader_first_seen_timestamp_seconds:last1h"
        public static let readerLastSeen = "cancuoc:reader_last_seen_timestamp_seconds:last1h"
        public static let readerLastUsed = "cancuoc:reader_last_used_timestamp_seconds:last1h"
        public static let readerLastSuccess = "cancuoc:reader_last_success_timestamp_seconds:last1h"
        /// The read counters' highest and lowest value in each step, per reader and outcome.
        public static let readsMax = "cancuoc:card_reads:max1h"
        public static let readsMin = "cancuoc:card_reads:min1h"
        /// The same for the read-duration histogram's buckets (label `le`).
        public static let durationBucketMax = "cancuoc:read_duration_seconds_bucket:max1h"
        public static let durationBucketMin = "cancuoc:read_duration_seconds_bucket:min1h"

        /// The face check counters' highest and lowest value in each step, per reader and decision.
        public static let faceChecksMax = "cancuoc:face_checks:max1h"
        public static let faceChecksMin = "cancuoc:face_checks:min1h"
        /// The clinic's trust (InventoryMetric+Trust), the last value of each step.
        public static let trustCSCAs = "cancuoc:trust_cscas:last1h"
        public static let trustCRLIssued = "cancuoc:trust_crl_issued_timestamp_seconds:last1h"
        public static let trustCRLNextUpdate = "cancuoc:trust_crl_next_update_timestamp_seconds:last1h"
        public static let trustPackageInfo = "cancuoc:trust_package_info:last1h"

        public static let all = [
            evaluation, written, eventsLost, readerInfo, readerPresent, readerFirstSeen, readerLastSeen,
            readerLastUsed, readerLastSuccess, readsMax, readsMin, durationBucketMax, durationBucketMin,
            faceChecksMax, faceChecksMin, trustCSCAs, trustCRLIssued, trustCRLNextUpdate, trustPackageInfo,
        ]
    }
}
