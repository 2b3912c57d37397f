import Foundation
import Logging
import MRTD
import Synchronization

/// The trust directory, loaded once and again whenever a file in it changes: a technician
/// who imports a CSCA certificate or a fresh CRL needs no daemon restart. Cheap to ask:
/// one `stat` per file per read.
final class TrustDirectoryWatch: Sendable {
    let path: String
    private let logger: Logger
    private let cache = Mutex<(stamp: [String: Date], store: TrustStore)?>(nil)

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    func current() -> TrustStore {
        let stamp = Self.stamp(path)
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.store }
        let store = TrustStore(directory: URL(fileURLWithPath: path))
        cache.withLock { $0 = (stamp, store) }
        logger.notice(
            "trust directory loaded",
            metadata: [
                "directory": "\(path)", "cscas": "\(store.cscas.count)",
                "crls": "\(store.crls.count)", "rejected": "\(store.rejected.count)",
            ]
        )
        if store.cscas.isEmpty {
            logger.warning(
                "no trusted CSCA: every card will be reported unverified",
                metadata: ["directory": "\(path)"]
            )
        }
        for rejected in store.rejected {
            logger.warning(
                "trust file rejected",
                metadata: ["file": "\(rejected.file)", "reason": "\(rejected.reason)"]
            )
        }
        return store
    }

    /// File names and modification times, of the directory and of its subdirectories (trust
    /// packages): what changes when anyone edits them or a package is installed or removed.
    static func stamp(_ path: String) -> [String: Date] {
        let fm = FileManager.default
        var stamp: [String: Date] = [:]
        for name in TrustStore.fileNames(in: path) {
            stamp[name] =
                (try? fm.attributesOfItem(atPath: path + "/" + name))?[.modificationDate] as? Date ?? .distantPast
        }
        return stamp
    }
}
