import Foundation
import Logging
import MRTD

/// Keeps the CRLs of the trust directory fresh (`cancuoc trust fetch-crls`, run daily by
/// `cancuoc-crl-update.timer`; docs/fleet.md § CRLs). Each configured URL is downloaded
/// (`CRLDownload`: deadline, size limit), checked (`CRLAcceptance`: signed by a trusted CSCA,
/// not older than the installed one) and written whole into `targetDirectory`, one file per
/// CSCA (`<issuer hash>.crl`). That directory is inside the trust directory, which the daemon
/// watches: the next read uses the new CRL, without a restart.
public struct CRLUpdater: Sendable {
    /// The name of the subdirectory of the trust directory that holds the fetched CRLs.
    public static let subdirectory = "fetched-crls"

    public var sources: [URL]
    public var trustDirectory: String
    public var targetDirectory: String
    public var download: CRLDownload
    public var logger: Logger

    public init(
        sources: [URL],
        trustDirectory: String,
        targetDirectory: String? = nil,
        download: CRLDownload = CRLDownload(),
        logger: Logger = Logger(label: "cancuoc.trust")
    ) {
        self.sources = sources
        self.trustDirectory = trustDirectory
        self.targetDirectory = targetDirectory ?? trustDirectory + "/" + Self.subdirectory
        self.download = download
        self.logger = logger
    }

    /// What became of one URL.
    public enum Outcome: Sendable {
        /// Written to `file` (relative to the trust directory's target); `expired`: past its
        /// nextUpdate already (the newest there is; the verdict will say so).
        case installed(file: String, thisUpdate: Date, expired: Bool)
        /// The same CRL is installed already.
        case unchanged(file: String, expired: Bool)
        case refused(CRLRefusal)
        case downloadFailed(CRLDownloadError)
        case notWritten(String)

        public var succeeded: Bool {
            switch self {
            case .installed, .unchanged: return true
            case .refused, .downloadFailed, .notWritten: return false
            }
        }
    }

    public struct SourceResult: Sendable {
        /// The URL without user name, password or query (what logs may show).
        public var source: String
        public var outcomes: [Outcome]
    }

    /// Fetches every source in turn; one failing source does not stop the others.
    public func run(now: @Sendable () -> Date = { Date() }) async -> [SourceResult] {
        var results: [SourceResult] = []
        for url in sources {
            let shown = Self.redacted(url)
            let outcomes = await update(from: url, shown: shown, now: now())
            results.append(SourceResult(source: shown, outcomes: outcomes))
        }
        return results
    }

    func update(from url: URL, shown: String, now: Date) async -> [Outcome] {
        let bytes: [UInt8]
        do {
            bytes = try await download.fetch(url)
        } catch {
            logger.error("\(error.description)", metadata: ["url": "\(shown)"])
            return [.downloadFailed(error)]
        }
        // The store as it is now (fetched CRLs included): what the new one must not be older than.
        let store = TrustStore(directory: URL(fileURLWithPath: trustDirectory))
        let accepted: [CRLAcceptance.Accepted]
        do {
            accepted = try CRLAcceptance.evaluate(bytes, trust: store, installed: store.crls, now: now)
        } catch {
            logger.error("\(error.description)", metadata: ["url": "\(shown)", "bytes": "\(bytes.count)"])
            return [.refused(error)]
        }
        var outcomes: [Outcome] = []
        for crl in accepted {
            let file = crl.crl.issuerHash + ".crl"
            if crl.alreadyInstalled {
                outcomes.append(.unchanged(file: file, expired: crl.expired))
                logger.info(
                    "CRL không đổi — CRL unchanged",
                    metadata: ["url": "\(shown)", "issuer": "\(crl.csca.subject)"]
                )
                continue
            }
            do {
                try FileManager.default.createDirectory(atPath: targetDirectory, withIntermediateDirectories: true)
                try AtomicFile.replace(targetDirectory + "/" + file, with: Array(crl.crl.pem.utf8))
            } catch {
                let reason = "\(error)"
                logger.error("\(reason)", metadata: ["url": "\(shown)"])
                outcomes.append(.notWritten(reason))
                continue
            }
            outcomes.append(.installed(file: file, thisUpdate: crl.thisUpdate, expired: crl.expired))
            logger.notice(
                "Đã cài CRL mới — new CRL installed",
                metadata: [
                    "url": "\(shown)", "issuer": "\(crl.csca.subject)", "file": "\(file)",
                    "thisUpdate": "\(Self.day(crl.thisUpdate))",
                ]
            )
            if crl.expired {
                logger.warning(
                    "CRL mới nhất đã hết hạn: chưa kiểm tra được thu hồi — the newest CRL has expired: revocation cannot be checked until the CSCA publishes a new one",
                    metadata: ["url": "\(shown)", "nextUpdate": "\(crl.crl.nextUpdate.map(Self.day) ?? "?")"]
                )
            }
        }
        return outcomes
    }

    /// `scheme://host[:port]/path`: no credentials, no query (a signed URL's token).
    public static func redacted(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.user = nil
        components?.password = nil
        components?.query = nil
        components?.fragment = nil
        return components?.string ?? "(URL)"
    }

    static func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }
}
