import Foundation

extension DaemonConfiguration {
    /// Where the clinic fetches its CRLs from (`"crlUpdate"` in cancuocd.json or a drop-in;
    /// docs/fleet.md § CRLs). Read by `cancuoc trust fetch-crls` (run daily by
    /// `cancuoc-crl-update.timer`), not by the daemon, which opens no outgoing connection: the
    /// daemon sees the fetched CRLs through its trust directory.
    public struct CRLUpdate: Sendable, Hashable, Codable {
        /// `http://` or `https://` URLs of CRLs (DER or PEM), typically the province's mirror of
        /// the CSCA's CRL. Plain HTTP is fine: a CRL is taken only when its CSCA signed it.
        public var urls: [String] = []
        /// Deadline of one download, connection included.
        public var timeoutSeconds: Double = 30
        /// Largest answer kept; a larger one is cut off and refused.
        public var maxBytes = 10 << 20

        public init() {}

        /// The URLs as URLs; the first that is not http(s) is an error.
        public func sourceURLs() throws(DaemonConfigurationError) -> [URL] {
            var result: [URL] = []
            for text in urls {
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    ["http", "https"].contains(scheme), url.host?.isEmpty == false
                else {
                    throw .invalidValue(
                        setting: "crlUpdate.urls",
                        "a list of http:// or https:// URLs (\"\(text)\" is not one)",
                        vi: "danh sách URL http:// hoặc https:// (\"\(text)\" không phải)"
                    )
                }
                result.append(url)
            }
            return result
        }

        func validate() throws(DaemonConfigurationError) {
            _ = try sourceURLs()
            guard timeoutSeconds >= 1 && timeoutSeconds <= 600 else {
                throw .invalidValue(setting: "crlUpdate.timeoutSeconds", "between 1 and 600", vi: "từ 1 đến 600")
            }
            guard maxBytes >= 1024 && maxBytes <= 256 << 20 else {
                throw .invalidValue(
                    setting: "crlUpdate.maxBytes",
                    "between 1024 and \(256 << 20)",
                    vi: "từ 1024 đến \(256 << 20)"
                )
            }
        }
    }
}
