/// How to share the reader with other processes (`SCARD_SHARE_*`).
public enum ShareMode: Sendable, Hashable {
    case exclusive
    case shared
    /// No card needed: talk to the reader itself (attributes, `SCardControl`) for diagnostics.
    case direct

    var raw: UInt {
        switch self {
        case .exclusive: return PCSCConstants.shareExclusive
        case .shared: return PCSCConstants.shareShared
        case .direct: return PCSCConstants.shareDirect
        }
    }
}

/// Transmission protocols to accept (`SCARD_PROTOCOL_T0|T1`).
public struct CardProtocols: OptionSet, Sendable, Hashable {
    public let rawValue: UInt
    public init(rawValue: UInt) { self.rawValue = rawValue }
    public static let t0 = CardProtocols(rawValue: PCSCConstants.protocolT0)
    public static let t1 = CardProtocols(rawValue: PCSCConstants.protocolT1)
    public static let any: CardProtocols = [.t0, .t1]
}

/// What to do with the card on disconnect or at the end of a transaction (`SCARD_*_CARD`).
public enum Disposition: Sendable, Hashable {
    case leave
    /// Reset: the default after secure messaging, so no session keys survive us (docs/design.md §8).
    case reset
    case unpower
    case eject

    var raw: UInt {
        switch self {
        case .leave: return PCSCConstants.leaveCard
        case .reset: return PCSCConstants.resetCard
        case .unpower: return PCSCConstants.unpowerCard
        case .eject: return PCSCConstants.ejectCard
        }
    }
}
