import SmartCard

/// Everything read from a chip, raw, with how it was opened and what it cost. The profile
/// layer (`CCCD`) turns it into a citizen record; the verifier checks it.
public struct ChipRead: Sendable {
    public var access: AccessReport
    /// EF.CardAccess as read (nil when the chip has none).
    public var cardAccess: [UInt8]?
    /// Raw file contents by data group, EF.COM and EF.SOD included.
    public var files: [DataGroupID: [UInt8]] = [:]
    /// Files the chip refused to show without further authentication (DG3: fingerprints).
    public var protected: [DataGroupID] = []
    /// Files EF.COM lists that the chip does not have.
    public var missing: [DataGroupID] = []
    /// Files EF.COM lists that the request left out (DG2 when the face is not read).
    public var skipped: [DataGroupID] = []
    /// Whether the card answered an extended-length READ BINARY.
    public var extendedLength: Bool
    public var stats: ReadStatistics
    /// What chip authentication (ICAO 9303-11 §6.2) proved about the DG14 key. Trust the key
    /// only once the verifier has matched DG14's hash in the SOD.
    public var chipAuthentication: AuthenticationOutcome = .notPerformed("DG14 not read")
    /// What active authentication (§6.1) proved about the DG15 key; same caveat for DG15.
    public var activeAuthentication: AuthenticationOutcome = .notPerformed("DG15 not read")

    public init(access: AccessReport, cardAccess: [UInt8]?, extendedLength: Bool, stats: ReadStatistics) {
        self.access = access
        self.cardAccess = cardAccess
        self.extendedLength = extendedLength
        self.stats = stats
    }
}

/// Why a read did not produce a record, as a caller must act on it. Carrier failures (card
/// pulled, reader gone, pcscd down) come back as `transport` with the carrier's own error,
/// which the service layer classifies: MRTD never knows what carries the bytes.
public enum ReadError: Error, Sendable, CustomStringConvertible {
    /// The chip refused the password: ask for it again. Never retried under another protocol.
    case wrongKey
    /// Neither PACE nor BAC could run with this key (for example a CAN on a BAC-only chip).
    case accessFailed(String)
    /// The card answered in a way we cannot read: unsupported or malformed.
    case unreadable(String)
    /// The carrier failed.
    case transport(any Error)

    public var description: String {
        switch self {
        case .wrongKey: return "the chip refused the access key"
        case .accessFailed(let s): return "cannot open the chip: \(s)"
        case .unreadable(let s): return "unreadable card: \(s)"
        case .transport(let e): return "communication failed: \(e)"
        }
    }
}
