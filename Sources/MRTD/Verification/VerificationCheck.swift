/// One verification check as a value (docs/design.md §9.4): the
/// ``Verifier`` runs a list of them and derives the verdict from their results.
public protocol VerificationCheck: Sendable {
    var kind: CheckKind { get }
    func evaluate(_ evidence: VerificationEvidence) -> CheckResult
}
