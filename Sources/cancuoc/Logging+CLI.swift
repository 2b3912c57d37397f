import Foundation
import Logging

/// The command line logs warnings and worse to stderr (CANCUOC_LOG_LEVEL=debug for more);
/// a person at a terminal wants the result, not the daemon's chatter.
enum CLILogging {
    static let bootstrap: Void = {
        let level =
            ProcessInfo.processInfo.environment["CANCUOC_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()
}
