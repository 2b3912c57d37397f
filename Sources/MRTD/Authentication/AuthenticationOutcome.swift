/// What the chip proved about the key in DG14 (chip authentication) or DG15 (active
/// authentication) during one read (ICAO 9303-11 §6.1, §6.2).
///
/// This says nothing about whether the key itself is genuine: that needs the DG14/DG15 hash
/// in the SOD, which the passive-authentication verifier checks and combines with this
/// outcome (docs/design.md §9.4).
public enum AuthenticationOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The chip proved it holds the private key of the published public key.
    case passed
    /// The chip refused, or answered in a way that shows it does not hold the key.
    case failed(String)
    /// The chip does not offer the protocol (no CA in DG14, no DG15).
    case notSupported
    /// The protocol was not run: skipped by policy, a file was not read, or a variant this
    /// implementation does not do (DH on standardized group ids, for example).
    case notPerformed(String)

    public var isPassed: Bool { self == .passed }

    public var description: String {
        switch self {
        case .passed: return "passed"
        case .failed(let reason): return "failed: \(reason)"
        case .notSupported: return "not supported by the chip"
        case .notPerformed(let reason): return "not performed: \(reason)"
        }
    }
}
