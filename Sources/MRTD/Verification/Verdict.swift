/// docs/design.md §9.4 as one function. `failed` needs proof of forgery, `verified` needs every
/// proof, anything in between is `unverified`.
public enum Verdict {
    public enum Status: String, Sendable, Hashable, Codable {
        case verified, unverified, failed, notPerformed
    }

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
