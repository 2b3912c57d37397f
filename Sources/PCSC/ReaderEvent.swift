/// A reader as the monitor reports it: PC/SC name, stable id and what it says about itself.
public struct ReaderInfo: Sendable, Hashable {
    public var name: String
    public var id: ReaderID
    public var identity: ReaderIdentity

    public init(name: String, id: ReaderID, identity: ReaderIdentity) {
        self.name = name
        self.id = id
        self.identity = identity
    }

    /// Whether a user's `--reader` / API `reader` value names this reader: the stable id or
    /// the PC/SC name both do (design.md §9.5).
    public func matches(_ idOrName: String) -> Bool {
        idOrName == id.rawValue || idOrName == name
    }
}

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
