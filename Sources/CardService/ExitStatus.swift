/// Exit codes of `cancuoc` (docs/design.md "Exit codes"), all below 128: the one list, used
/// by every subcommand and derived from `ReadFailure` by one total mapping.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case ok = 0
    /// Something else went wrong (an internal error, a busy reader, an error from the daemon).
    case failure = 1
    case noReaderOrCard = 2
    case wrongKey = 3
    case cardRemoved = 4
    case unreadableCard = 5
    /// The card was read and its verification failed: it may be forged.
    case verificationFailed = 6
    /// pcscd (or, for `call` and `watch`, the daemon) cannot be reached.
    case pcscUnavailable = 7
    /// Wrong command-line usage (as sysexits' EX_USAGE).
    case usage = 64
}
