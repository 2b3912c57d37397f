extension InventoryMetric {
    /// The clinic's trust (`TrustInventory`): CSCAs, the newest CRL's dates, trust packages.
    /// A CRL's age is `time() - cancuoc_trust_crl_issued_timestamp_seconds`.
    public static let trustCSCAs = "cancuoc_trust_cscas"
    public static let trustCRLIssued = "cancuoc_trust_crl_issued_timestamp_seconds"
    public static let trustCRLNextUpdate = "cancuoc_trust_crl_next_update_timestamp_seconds"
    public static let trustPackageInfo = "cancuoc_trust_package_info"
}

extension InventoryMetric.Label {
    /// A trust package's name and version (`cancuoc_trust_package_info`).
    public static let package = "package"
    public static let version = "version"
}
