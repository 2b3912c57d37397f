/// The checks passive, chip and active authentication consist of (docs/design.md §9.4).
public enum CheckKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every data group read hashes to its SOD value (ICAO 9303-11 §5.1 step 3).
    case dataGroupHashes = "DataGroupHashes"
    /// The SOD signature verifies under the Document Signer key (9303-11 §5.1 steps 1–2).
    case sodSignature = "SODSignature"
    /// The DS chains to a trusted CSCA, valid at the date of issue, not revoked (9303-12 §7).
    case documentSignerChain = "DocumentSignerChain"
    /// Chip authentication (9303-11 §6.2), run by the reader, result supplied here.
    case chipAuthentication = "ChipAuthentication"
    /// Active authentication (9303-11 §6.1), run by the reader, result supplied here.
    case activeAuthentication = "ActiveAuthentication"
}

/// What one check concluded.
public enum CheckOutcome: String, Sendable, Hashable, Codable {
    /// Proven good.
    case passed
    /// Proven bad: a mismatch, a bad signature, an invalid or revoked certificate, a refused proof.
    case failed
    /// Nothing wrong, but the proof is missing (no trust anchor, unreadable SOD part).
    case inconclusive
    /// The card does not offer it.
    case notSupported
    /// Not attempted.
    case notPerformed
}

/// The result of one check: its name, outcome, why, and notes that are not failures
/// (revocation not checked, DS expired since issue, DG3 protected).
public struct CheckResult: Sendable, Hashable {
    public var kind: CheckKind
    public var outcome: CheckOutcome
    public var reason: String?
    public var notes: [String]
    /// Named facts for reports ("documentSigner", "csca", "revocation").
    public var details: [String: String]

    public var name: String { kind.rawValue }

    public init(_ kind: CheckKind, _ outcome: CheckOutcome, reason: String? = nil,
                notes: [String] = [], details: [String: String] = [:]) {
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
        self.notes = notes
        self.details = details
    }
}
