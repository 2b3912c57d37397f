import ArgumentParser
import PCSC

/// Exit codes of `cancuoc` (design.md §9.2), mapped in this one place.
enum CancuocExit {
    static let internalError = ExitCode(1)
    static let noReaderOrCard = ExitCode(2)
    static let pcscUnavailable = ExitCode(7)

    /// The exit code for a PC/SC failure, with a message telling the user what to do.
    static func code(for error: PCSCError) -> (ExitCode, String) {
        switch error.category {
        case .serviceUnavailable:
            return (pcscUnavailable, "pcscd is not reachable (\(error.name)): is the pcscd service running?")
        case .permissionDenied:
            return (pcscUnavailable, "pcscd refused access (\(error.name)): check polkit rules for this user")
        case .noReaders, .unknownReader:
            return (noReaderOrCard, "no such reader (\(error.name))")
        case .noCard, .cardRemoved:
            return (noReaderOrCard, "no card in the reader (\(error.name))")
        default:
            return (internalError, "PC/SC error: \(error)")
        }
    }
}
