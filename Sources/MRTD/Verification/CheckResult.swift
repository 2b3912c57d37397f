import Foundation

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

/// A finding that is not a failure, as a value: callers test for the case, never for words in
/// a sentence.
public enum CheckNote: Sendable, Hashable, CustomStringConvertible {
    /// DG3 (fingerprints) needs terminal authentication: not read, so not hashed.
    case dg3Protected
    /// The data groups whose hashes matched.
    case matched([String])
    /// Certificates were checked for validity at this moment ("date of issue", "SOD signingTime", "now").
    case validityCheckedAt(String)
    /// The DS certificate has expired since the card was issued: normal, DS keys sign for a short period.
    case documentSignerExpiredSinceIssue
    /// CRLs that name the CSCA but whose signature does not verify were ignored.
    case unverifiedCRLsIgnored(Int)
    /// No CRL from this CSCA was loaded.
    case revocationNotChecked
    /// The newest CRL of this CSCA is past its nextUpdate (this date): it is not used to say
    /// "not revoked" (a DS it lists is still refused).
    case revocationNotCheckedCRLExpired(Date)

    public var description: String {
        switch self {
        case .dg3Protected: "DG3 protected: not read, not hashed"
        case .matched(let groups): "matched: " + groups.joined(separator: " ")
        case .validityCheckedAt(let moment): "validity checked at the \(moment)"
        case .documentSignerExpiredSinceIssue:
            "Document Signer certificate expired since the date of issue (normal: DS keys sign for a short period)"
        case .unverifiedCRLsIgnored(let count): "\(count) CRL(s) naming the CSCA ignored: signature does not verify"
        case .revocationNotChecked: "revocation: notChecked (no CRL from this CSCA loaded)"
        case .revocationNotCheckedCRLExpired(let date):
            "revocation not checked: the CRL expired on \(String(ISO8601DateFormatter().string(from: date).prefix(10)))"
        }
    }
}

/// The result of one check: its name, outcome, why, and notes that are not failures
/// (revocation not checked, DS expired since issue, DG3 protected).
public struct CheckResult: Sendable, Hashable {
    public var kind: CheckKind
    public var outcome: CheckOutcome
    public var reason: String?
    public var notes: [CheckNote]
    /// What the check established, for reports: typed, never read back from words.
    public var facts: CheckFacts

    public var name: String { kind.rawValue }

    public init(
        _ kind: CheckKind,
        _ outcome: CheckOutcome,
        reason: String? = nil,
        notes: [CheckNote] = [],
        facts: CheckFacts = CheckFacts()
    ) {
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
        self.notes = notes
        self.facts = facts
    }
}

/// Facts a check established along the way, for the record and for people: the certificates it
/// used and what it found about revocation.
public struct CheckFacts: Sendable, Hashable {
    /// Whether the Document Signer was checked against a CRL of its CSCA, and the answer.
    public enum Revocation: String, Sendable, Hashable, Codable {
        case notChecked, revoked, notRevoked
    }

    /// Subject of the Document Signer certificate.
    public var documentSigner: String?
    /// Subject of the trusted CSCA the Document Signer chains to.
    public var csca: String?
    public var revocation: Revocation?
    /// The SOD's hash algorithm.
    public var hashAlgorithm: HashAlgorithm?

    public init(
        documentSigner: String? = nil,
        csca: String? = nil,
        revocation: Revocation? = nil,
        hashAlgorithm: HashAlgorithm? = nil
    ) {
        self.documentSigner = documentSigner
        self.csca = csca
        self.revocation = revocation
        self.hashAlgorithm = hashAlgorithm
    }
}
