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
    /// the PC/SC name both do (docs/design.md §9.5).
    public func matches(_ idOrName: String) -> Bool {
        idOrName == id.rawValue || idOrName == name
    }
}
