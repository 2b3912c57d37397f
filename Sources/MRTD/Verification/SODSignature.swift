/// The SOD's CMS signature verifies under the embedded Document Signer key and its
/// messageDigest equals the eContent hash (ICAO 9303-11 §5.1 steps 1–2, RFC 5652 §5.6).
public struct SODSignature: VerificationCheck {
    public var kind: CheckKind { .sodSignature }
    public init() {}

    public func evaluate(_ evidence: VerificationEvidence) -> CheckResult {
        switch evidence.requireSOD(for: kind) {
        case .failure(let r): return r
        case .success(let sod):
            guard let ds = sod.documentSigner else {
                return CheckResult(kind, .inconclusive, reason: "EF.SOD embeds no Document Signer certificate")
            }
            if let failure = sod.signatureFailure() {
                return CheckResult(kind, .failed, reason: "the SOD signature does not verify: \(failure)")
            }
            return CheckResult(kind, .passed, facts: CheckFacts(documentSigner: ds.subject))
        }
    }
}
