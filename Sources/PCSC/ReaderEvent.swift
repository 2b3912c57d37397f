/// What happened to the readers, in order. After `.serviceUnavailable` every reader is
/// forgotten; after `.serviceRestored` the readers present are reported again as `.attached`
/// (and `.cardInserted` where a card is in), so a consumer can rebuild its state from events.
public enum ReaderEvent: Sendable, Hashable {
    case attached(ReaderInfo)
    case detached(name: String, id: ReaderID)
    case cardInserted(reader: String, atr: [UInt8])
    case cardRemoved(reader: String)
    /// pcscd is unreachable (not running, restarted, permission denied): the error says which.
    case serviceUnavailable(PCSCError)
    case serviceRestored
}
