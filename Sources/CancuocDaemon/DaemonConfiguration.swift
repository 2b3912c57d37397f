import CancuocAPI
import CancuocServer
import Foundation
import Logging

/// Everything an operator can set in `/etc/cancuoc/cancuocd.json` (docs/operations.md).
///
/// The one table of settings: each is a stored property here with its default (the connection
/// limits' defaults are `APIServerConfiguration.defaults`), and `validate()` states each range
/// once. A file is read as the defaults overlaid by what it sets (`parse`), so a missing file,
/// or a file with only the settings that differ, is valid. Keys are those of the defaults
/// themselves: unknown keys are refused, since a misspelt setting would otherwise be silently
/// ignored in a hospital where nobody reads the logs until something breaks.
public struct DaemonConfiguration: Sendable, Hashable, Codable {
    /// Who runs this daemon, reported by `hello` so an HIS can check it talks to the right site.
    public struct Facility: Sendable, Hashable, Codable {
        public var id: String?
        public var name: String?

        public init(id: String? = nil, name: String? = nil) {
            self.id = id
            self.name = name
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
        }
    }

    /// The API socket (ignored under socket activation: the socket unit decides).
    public var socketPath = "/run/cancuoc/api.sock"
    /// Group of the socket file; its members may connect and subscribe to records.
    /// `null`: leave the group alone (a terminal run without the group).
    public var socketGroup: String? = "cancuoc"
    /// Permission bits of the socket file, as an octal string.
    public var socketMode = "0660"
    public var facility = Facility()
    /// Overall limit of one `card.read` once a card is present (PC/SC calls included).
    public var readTimeoutSeconds: Double = 30
    /// Largest `waitForCardSeconds` a client may ask for.
    public var maxWaitForCardSeconds: Double = 300
    /// Connections beyond this are refused with -32000.
    public var maxClients = APIServerConfiguration.defaults.maxClients
    /// Longest request line in bytes.
    public var maxLineLength = APIServerConfiguration.defaults.maxLineLength
    /// A client with nothing in flight that is not subscribed is closed after this long (0: never).
    public var idleTimeoutSeconds = APIServerConfiguration.defaults.idleTimeout.seconds
    /// Lines waiting for one slow client before it is disconnected.
    public var maxQueuedMessagesPerClient = APIServerConfiguration.defaults.maxQueuedMessagesPerClient
    /// Connections of one local user (uid; root is not limited) or of one web origin at once,
    /// so one caller cannot take every slot from the HIS.
    public var maxClientsPerUser = APIServerConfiguration.defaults.maxClientsPerUser
    /// A request (a line, or a WebSocket message) must be complete this long after its first
    /// byte, else the client is answered and closed.
    public var requestCompletionTimeoutSeconds = APIServerConfiguration.defaults.requestCompletionTimeout.seconds
    /// Bytes waiting for one slow client before it is disconnected.
    public var maxQueuedBytesPerClient = APIServerConfiguration.defaults.maxQueuedBytesPerClient
    /// Requests of one client running at once; more get -32000.
    public var maxRequestsInFlightPerClient = APIServerConfiguration.defaults.maxRequestsInFlightPerClient
    /// How often reader plug-in is re-checked and pcscd's health probed.
    public var readerPollSeconds: Double = 1
    /// trace, debug, info, notice, warning, error or critical.
    public var logLevel = "info"
    /// Trusted CSCA certificates and CRLs (used by verification).
    public var trustDirectory = "/etc/cancuoc/trust"
    /// Where the daemon keeps state (usage counters, inventory).
    public var stateDirectory = "/var/lib/cancuoc"
    /// Days raw read events are kept in the usage log (daily roll-ups are kept for years).
    public var usageRetentionDays = 90
    /// Prometheus textfile for node_exporter's textfile collector, rewritten every
    /// `metricsIntervalSeconds`;
    /// null disables it. Must be writable under the service's sandbox (the state directory is).
    public var metricsTextfile: String?
    /// How often the metrics textfile is rewritten.
    public var metricsIntervalSeconds: Double = 60
    /// Serial QR scanners paired with readers (scan-and-tap, docs/integration.md); none by default.
    public var scanners: [Scanner] = []
    /// How long a scanned QR waits for a card on its reader before it is reported as a
    /// QR-only `qr.scanned` and forgotten.
    public var scanPendingSeconds: Double = 60
    /// The browser endpoint: WebSocket API, reception page, `cancuoc.js` (docs/security.md).
    public var web = Web()
    /// CRLs fetched by `cancuoc trust fetch-crls` (DaemonConfiguration+CRLUpdate.swift).
    public var crlUpdate = CRLUpdate()
    /// The face check's thresholds and the matcher's idle time (`DaemonConfiguration+Face`).
    public var face = Face()

    /// The browser endpoint (`"web"` in the file). Off when run by hand unless `listen` names
    /// an address; the packaged service gets its socket from `cancuocd-web.socket`.
    public struct Web: Sendable, Hashable, Codable {
        /// Loopback `HOST:PORT`s to listen on (ignored for the sockets systemd passes).
        public var listen: [String] = []
        /// Origins of the HIS pages that may connect, exactly as the browser sends them
        /// (`https://his.benhvien.vn`); the reception page on this port is always allowed.
        public var allowedOrigins: [String] = []
        /// Origins whose pages may subscribe with `"records": true` (reads started by a
        /// scanner); each is also allowed to connect. None by default.
        public var recordsOrigins: [String] = []
        /// The `clients/` folder with the reception page and `cancuoc.js`; `null`:
        /// `share/cancuoc/clients` beside the binary's `bin/` (where `make install` puts it).
        public var filesDirectory: String?
        /// Seconds the reception page keeps a record on screen with the card still present
        /// and nobody using the page; removing the card clears it at once.
        public var pageClearSeconds = 120

        public init() {}

        /// The listen addresses, each checked to be loopback.
        public func listenAddresses() throws(DaemonConfigurationError) -> [WebListenAddress] {
            var addresses: [WebListenAddress] = []
            for text in listen {
                do {
                    addresses.append(try WebListenAddress(parsing: text))
                } catch {
                    throw .invalidValue(setting: "web.listen", "loopback HOST:PORT values: \(error)")
                }
            }
            return addresses
        }

        /// Who may connect, with every origin normalized.
        public func accessPolicy() throws(DaemonConfigurationError) -> WebAccessPolicy {
            func normalize(_ list: [String], _ setting: String) throws(DaemonConfigurationError) -> [String] {
                var result: [String] = []
                for text in list {
                    guard let origin = WebAccessPolicy.normalizedOrigin(text) else {
                        throw .invalidValue(
                            setting: setting,
                            "origins such as https://his.benhvien.vn or http://127.0.0.1:8080 "
                                + "(scheme, host and port only; not \"\(LogText.clipped(text))\")"
                        )
                    }
                    result.append(origin)
                }
                return result
            }
            return WebAccessPolicy(
                allowedOrigins: try normalize(allowedOrigins, "web.allowedOrigins"),
                recordsOrigins: try normalize(recordsOrigins, "web.recordsOrigins")
            )
        }
    }

    /// A serial QR scanner and the reader whose next card its scans open.
    public struct Scanner: Sendable, Hashable, Codable {
        /// The tty: `/dev/ttyACM0`, or better a stable `/dev/serial/by-id/…` link.
        public var device: String
        /// Reader id or PC/SC name, as `readers.list` shows them.
        public var reader: String

        public init(device: String, reader: String) {
            self.device = device
            self.reader = reader
        }

        enum CodingKeys: String, CodingKey { case device, reader }

        /// Unknown keys are refused here too (a misspelt "reader" must not pass silently).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            device = try c.decode(String.self, forKey: .device)
            reader = try c.decode(String.self, forKey: .reader)
            let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
                .filter { CodingKeys(rawValue: $0) == nil }
            if !unknown.isEmpty {
                throw DaemonConfigurationError.unknownSettings(unknown.sorted().map { "scanners.\($0)" })
            }
        }
    }

    public init() {}

    public static let defaultPath = "/etc/cancuoc/cancuocd.json"

    /// Values that decode but make no sense are refused at start, not discovered at 3 a.m.
    public func validate() throws(DaemonConfigurationError) {
        func require(_ ok: Bool, _ setting: String, _ why: String) throws(DaemonConfigurationError) {
            if !ok { throw .invalidValue(setting: setting, why) }
        }
        /// A number within `range`, said in English and Vietnamese.
        func require<Number: Comparable>(
            _ value: Number,
            in range: ClosedRange<Number>,
            _ setting: String
        )
            throws(DaemonConfigurationError)
        {
            if !range.contains(value) {
                throw .invalidValue(
                    setting: setting,
                    "between \(range.lowerBound) and \(range.upperBound)",
                    vi: "từ \(range.lowerBound) đến \(range.upperBound)"
                )
            }
        }
        try require(!socketPath.isEmpty && socketPath.hasPrefix("/"), "socketPath", "an absolute path")
        try require(usageRetentionDays >= 31, "usageRetentionDays", "at least 31 (reports look back 30 days)")
        try require(metricsTextfile.map { $0.hasPrefix("/") } ?? true, "metricsTextfile", "an absolute path or null")
        try require(
            metricsIntervalSeconds >= 1 && metricsIntervalSeconds <= 3600,
            "metricsIntervalSeconds",
            "between 1 and 3600"
        )
        try require(socketModeBits != nil, "socketMode", "an octal string such as \"0660\"")
        try require(readTimeoutSeconds > 0 && readTimeoutSeconds <= 3600, "readTimeoutSeconds", "between 0 and 3600")
        try require(
            maxWaitForCardSeconds >= 0 && maxWaitForCardSeconds <= 86400,
            "maxWaitForCardSeconds",
            "between 0 and 86400"
        )
        try require(maxClients, in: 1...100_000, "maxClients")
        try require(maxLineLength, in: 1024...(16 << 20), "maxLineLength")
        try require(idleTimeoutSeconds >= 0, "idleTimeoutSeconds", "0 or more")
        try require(maxQueuedMessagesPerClient >= 16, "maxQueuedMessagesPerClient", "16 or more")
        try require(maxClientsPerUser, in: 1...100_000, "maxClientsPerUser")
        try require(requestCompletionTimeoutSeconds, in: 1...3600, "requestCompletionTimeoutSeconds")
        // A read's answer with the face is about 40 KB: below 256 KiB a slow page would be
        // dropped on its first read.
        try require(maxQueuedBytesPerClient, in: (256 << 10)...(1 << 30), "maxQueuedBytesPerClient")
        try require(maxRequestsInFlightPerClient, in: 1...10_000, "maxRequestsInFlightPerClient")
        try require(readerPollSeconds >= 0.1 && readerPollSeconds <= 60, "readerPollSeconds", "between 0.1 and 60")
        try require(
            scanners.allSatisfy { $0.device.hasPrefix("/") && !$0.reader.isEmpty },
            "scanners",
            "a list of {\"device\": absolute path, \"reader\": reader id or name}"
        )
        try require(Set(scanners.map(\.device)).count == scanners.count, "scanners", "a list naming each device once")
        try require(scanPendingSeconds > 0 && scanPendingSeconds <= 3600, "scanPendingSeconds", "between 0 and 3600")
        _ = try web.listenAddresses()
        _ = try web.accessPolicy()
        try require(
            web.filesDirectory.map { $0.hasPrefix("/") } ?? true,
            "web.filesDirectory",
            "an absolute path or null"
        )
        try require(
            web.pageClearSeconds >= 10 && web.pageClearSeconds <= 86400,
            "web.pageClearSeconds",
            "between 10 and 86400"
        )
        try crlUpdate.validate()
        try require(loggerLevel != nil, "logLevel", "one of trace, debug, info, notice, warning, error, critical")
        try validateFace()
    }

    public var socketModeBits: UInt32? {
        guard let bits = UInt32(socketMode, radix: 8), bits <= 0o777 else { return nil }
        return bits
    }

    public var loggerLevel: Logger.Level? { Logger.Level(rawValue: logLevel) }

    /// The transport settings for `APIServer`.
    public func serverConfiguration(listen: APIServerConfiguration.Listen) -> APIServerConfiguration {
        APIServerConfiguration(
            listen: listen,
            socketGroup: socketGroup,
            socketMode: socketModeBits ?? 0o660,
            maxLineLength: maxLineLength,
            maxClients: maxClients,
            maxClientsPerUser: maxClientsPerUser,
            requestCompletionTimeout: .milliseconds(Int64((requestCompletionTimeoutSeconds * 1000).rounded())),
            idleTimeout: .seconds(idleTimeoutSeconds),
            maxQueuedMessagesPerClient: maxQueuedMessagesPerClient,
            maxRequestsInFlightPerClient: maxRequestsInFlightPerClient,
            maxQueuedBytesPerClient: maxQueuedBytesPerClient
        )
    }

    /// The browser endpoint's settings for `WebSocketServer`; `listen` comes from the caller
    /// (systemd's sockets or `web.listen`). Call after `validate()`.
    public func webServerConfiguration(
        listen: [WebServerConfiguration.Listen],
        files: WebStaticFiles
    )
        throws(DaemonConfigurationError) -> WebServerConfiguration
    {
        WebServerConfiguration(
            listen: listen,
            access: try web.accessPolicy(),
            files: files,
            pageClearSeconds: web.pageClearSeconds,
            limits: serverConfiguration(listen: .path(socketPath))
        )
    }

    /// Reads the file at `path`. A missing file gives the defaults (`found == false`, so
    /// the caller can log it); anything unreadable or malformed throws.
    public static func load(
        path: String
    ) throws(DaemonConfigurationError) -> (configuration: DaemonConfiguration, found: Bool) {
        guard FileManager.default.fileExists(atPath: path) else { return (DaemonConfiguration(), false) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, String(describing: error))
        }
        return (try parse(data, path: path), true)
    }

    public static func parse(
        _ data: Data,
        path: String = "(inline)"
    ) throws(DaemonConfigurationError) -> DaemonConfiguration {
        let given: Any
        do {
            given = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw .malformed(path: path, "not valid JSON (\(error.localizedDescription))")
        }
        guard let settings = given as? [String: Any] else {
            throw .malformed(path: path, "wrong type for the top level")
        }
        let defaults = DaemonConfiguration()
        let unknown = Self.unknownKeys(settings, of: defaults)
        guard unknown.isEmpty else { throw .unknownSettings(unknown.sorted()) }
        let configuration: DaemonConfiguration
        do {
            let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults))
            let merged = Self.overlay(settings, on: base)
            configuration = try JSONDecoder().decode(
                DaemonConfiguration.self,
                from: JSONSerialization.data(withJSONObject: merged)
            )
        } catch let error as DaemonConfigurationError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .malformed(path: path, "wrong type for \(key.isEmpty ? "the top level" : key)")
        } catch {
            throw .malformed(path: path, String(describing: error))
        }
        try configuration.validate()
        return configuration
    }

    /// The keys of `given` that `template` has no setting for, with their path (`web.listn`);
    /// objects within are checked against the template's own settings.
    static func unknownKeys(_ given: [String: Any], of template: Any, prefix: String = "") -> [String] {
        let settings = Dictionary(
            Mirror(reflecting: template).children.compactMap { child in child.label.map { ($0, child.value) } }
        ) { first, _ in first }
        return given.flatMap { key, value -> [String] in
            guard let setting = settings[key] else { return [prefix + key] }
            guard let object = value as? [String: Any], Mirror(reflecting: setting).displayStyle == .struct else {
                return []
            }
            return unknownKeys(object, of: setting, prefix: prefix + key + ".")
        }
    }

    /// `given` over `base`: objects are merged member by member, anything else replaces.
    static func overlay(_ given: Any, on base: Any) -> Any {
        guard let given = given as? [String: Any], var merged = base as? [String: Any] else { return given }
        for (key, value) in given {
            merged[key] = merged[key].map { overlay(value, on: $0) } ?? value
        }
        return merged
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// Why the configuration file was refused; the daemon prints it and exits non-zero.
public enum DaemonConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, String)
    case malformed(path: String, String)
    case unknownSettings([String])
    /// `why` says what the value must be; `vi`, when given, the same in Vietnamese.
    case invalidValue(setting: String, String, vi: String? = nil)

    /// English, then Vietnamese for the technician reading it at the clinic.
    public var description: String {
        switch self {
        case .unreadable(let path, let why):
            "cannot read \(path): \(why) — không đọc được tệp cấu hình \(path)"
        case .malformed(let path, let why):
            "\(path) is malformed: \(why) — tệp cấu hình \(path) không đúng định dạng"
        case .unknownSettings(let keys):
            "unknown settings: \(keys.joined(separator: ", ")) (see docs/operations.md) — tệp cấu hình có mục không tồn tại: \(keys.joined(separator: ", "))"
        case .invalidValue(let setting, let why, let vi):
            "\(setting) must be \(why) — giá trị \(setting) không hợp lệ"
                + (vi.map { ", phải \($0)" } ?? " (xem docs/operations.md)")
        }
    }
}
