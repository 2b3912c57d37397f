/// One reader's state as `SCardGetStatusChange` reports it.
///
/// `eventState` keeps pcsc-lite's whole value: the low 16 bits are `SCARD_STATE_*` flags and
/// the top 16 bits count card insertions and removals, so copying it back as `currentState`
/// makes a missed insert/remove pair still show as a change (docs/design.md §8).
public struct ReaderState: Sendable, Hashable {
    public var name: String
    public var currentState: UInt32
    public var eventState: UInt32
    public var atr: [UInt8]

    public init(name: String, currentState: UInt32 = 0, eventState: UInt32 = 0, atr: [UInt8] = []) {
        self.name = name
        self.currentState = currentState
        self.eventState = eventState
        self.atr = atr
    }

    /// Insertions plus removals seen by pcscd for this reader (mod 65536).
    public var eventCount: UInt16 { UInt16(truncatingIfNeeded: eventState >> 16) }
    public var isPresent: Bool { eventState & UInt32(PCSCConstants.statePresent) != 0 }
    public var isEmpty: Bool { eventState & UInt32(PCSCConstants.stateEmpty) != 0 }
    public var isChanged: Bool { eventState & UInt32(PCSCConstants.stateChanged) != 0 }
    public var isUnavailable: Bool { eventState & UInt32(PCSCConstants.stateUnavailable) != 0 }
    public var isUnknown: Bool { eventState & UInt32(PCSCConstants.stateUnknown) != 0 }
    public var isMute: Bool { eventState & UInt32(PCSCConstants.stateMute) != 0 }

    /// The state to pass next time: the whole event state, minus the CHANGED flag.
    public func acknowledged() -> ReaderState {
        var next = self
        next.currentState = eventState & ~UInt32(PCSCConstants.stateChanged)
        return next
    }
}

extension ReaderState {
    /// Card events between `previous` (the state we passed in, already acknowledged) and this
    /// answer. The event counter makes a remove + insert between two waits show as both.
    /// Unknown/unavailable readers report nothing here: re-listing reports their detach.
    func cardEvents(since previous: ReaderState) -> [ReaderEvent] {
        if isUnknown || isUnavailable { return [] }
        let wasPresent = previous.currentState & UInt32(PCSCConstants.statePresent) != 0
        let firstLook = previous.currentState == 0
        let counted = !firstLook && eventCount != UInt16(truncatingIfNeeded: previous.currentState >> 16)
        switch (wasPresent, isPresent) {
        case (false, true):
            return [.cardInserted(reader: name, atr: atr)]
        case (true, false):
            return [.cardRemoved(reader: name)]
        case (true, true) where counted:
            return [.cardRemoved(reader: name), .cardInserted(reader: name, atr: atr)]
        default:
            return []
        }
    }
}
