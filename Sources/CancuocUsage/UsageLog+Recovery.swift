import Foundation
import Logging

extension UsageLog {
    /// Opens the store; a damaged file (SQLite says so on opening, or its quick check fails)
    /// is moved aside and salvaged first (`UsageDatabaseRecovery`). Blocking.
    static func openRecoveringDamage(_ c: Configuration, logger: Logger) throws -> UsageStore {
        if UsageDatabaseRecovery.isDamaged(path: c.path) { try recoverDamaged(c, logger: logger) }
        do {
            return try UsageStore(path: c.path)
        } catch  where UsageDatabaseRecovery.isDamage(error) {
            try recoverDamaged(c, logger: logger)
            return try UsageStore(path: c.path)
        }
    }

    /// Moves the damaged file aside and salvages it; one log line, no personal data (the
    /// store holds none, and only counts and file names are logged).
    static func recoverDamaged(_ c: Configuration, logger: Logger) throws {
        let damage = try UsageDatabaseRecovery.recover(path: c.path)
        logger.error(
            "the usage database was damaged (SQLite could not read it): moved aside, \(damage.salvagedEvents) events salvaged into a fresh database; counting goes on",
            metadata: [
                "path": "\(c.path)", "movedTo": "\(damage.movedTo)", "salvagedEvents": "\(damage.salvagedEvents)",
                "recoveries": "\(damage.recoveries)",
            ]
        )
    }

    @concurrent static func recoverInBackground(_ c: Configuration, logger: Logger) async throws {
        try recoverDamaged(c, logger: logger)
    }
}
