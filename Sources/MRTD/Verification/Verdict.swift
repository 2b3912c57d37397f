/// A verdict's status: the one list the record, the API, the usage log and the metrics share (its
/// raw value is the wire and database spelling).
public enum VerificationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case verified, unverified, failed, notPerformed
}

/// docs/design.md §9.4 as one function. `failed` needs proof of forgery, `verified` needs every
/// proof, anything in between is `unverified`.
public enum Verdict {
    public typealias Status = VerificationStatus

    /// The passive-authentication checks that must all pass for `verified`.
    public static let passive: Set<CheckKind> = [.dataGroupHashes, .sodSignature, .documentSignerChain]

    /// - any check `failed` (hash, SOD signature, DS signature under the CSCA its issuer and
    ///   AKI name, validity at issue, revoked, CA/AA refused) → `failed`;
    /// - every passive check `passed` and CA or AA `passed` → `verified`;
    /// - nothing run → `notPerformed`; otherwise → `unverified` (a proof is missing).
    public static func status(_ results: [CheckResult]) -> Status {
        if results.contains(where: { $0.outcome == .failed }) { return .failed }
        if results.allSatisfy({ $0.outcome == .notPerformed }) { return .notPerformed }
        let passed = Set(results.filter { $0.outcome == .passed }.map(\.kind))
        guard passive.isSubset(of: passed) else { return .unverified }
        guard passed.contains(.chipAuthentication) || passed.contains(.activeAuthentication) else { return .unverified }
        return .verified
    }
}
