/// The names of the inventory metrics (docs/inventory.md, "Metrics"): the daemon writes them
/// (`MetricsTextfileWriter`), the province roll-up queries them (`PrometheusInventory`) and the
/// rule files in contrib/prometheus/ use them. Names follow Prometheus conventions: units in
/// the name, `_total` for counters, `_info` for identity.
public enum InventoryMetric {
    public static let pcscUp = "cancuoc_pcsc_up"
    public static let eventsLost = "cancuoc_usage_events_lost_total"
    /// Damaged usage databases moved aside and rebuilt (docs/troubleshooting.md), and the last one's time and salvage.
    public static let usageLogRecoveries = "cancuoc_usage_log_recoveries_total"
    public static let usageLogDamaged = "cancuoc_usage_log_damaged_timestamp_seconds"
    public static let usageLogSalvaged = "cancuoc_usage_log_salvaged_events"
    /// When the daemon last wrote the figures: a facility's "report time" at the province.
    public static let written = "cancuoc_metrics_written_timestamp_seconds"
    /// The facility id of the daemon configuration (checked against the agent's `facility` label).
    public static let facilityInfo = "cancuoc_facility_info"
    public static let readerInfo = "cancuoc_reader_info"
    public static let readerPresent = "cancuoc_reader_present"
    public static let readerContactOnly = "cancuoc_reader_contact_only"
    public static let readerFirstSeen = "cancuoc_reader_first_seen_timestamp_seconds"
    public static let readerLastSeen = "cancuoc_reader_last_seen_timestamp_seconds"
    public static let readerLastUsed = "cancuoc_reader_last_used_timestamp_seconds"
    public static let readerLastSuccess = "cancuoc_reader_last_success_timestamp_seconds"
    public static let reads = "cancuoc_card_reads_total"
    /// Histogram of successful reads (`_bucket`, `_sum`, `_count`), per reader.
    public static let readDuration = "cancuoc_read_duration_seconds"

    public enum Label {
        /// Added by the clinic's Prometheus agent (`external_labels`), never by the daemon.
        public static let facility = "facility"
        public static let facilityID = "facility_id"
        public static let readerID = "reader_id"
        public static let name = "name"
        public static let vid = "vid"
        public static let pid = "pid"
        public static let vendor = "vendor"
        public static let product = "product"
        /// `ok` or a read failure's reason: `ReadEvent.storedOutcomes`.
        public static let outcome = "outcome"
    }
}
