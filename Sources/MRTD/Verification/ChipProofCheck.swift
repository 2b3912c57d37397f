/// Chip authentication (ICAO 9303-11 §6.2): the reader runs the protocol over DG14's key;
/// this check weighs the outcome. A pass counts only when DG14 was read (its hash is
/// checked by ``DataGroupHashes``).
public struct ChipAuthentication: VerificationCheck {
    public var kind: CheckKind { .chipAuthentication }
    public init() {}
    public func evaluate(_ evidence: VerificationEvidence) -> CheckResult {
        ChipProofRule.result(kind, evidence.chipAuthentication, keyFile: .dg14, evidence)
    }
}

/// Active authentication (ICAO 9303-11 §6.1): the reader runs the challenge over DG15's
/// key; this check weighs the outcome. A pass counts only when DG15 was read.
public struct ActiveAuthentication: VerificationCheck {
    public var kind: CheckKind { .activeAuthentication }
    public init() {}
    public func evaluate(_ evidence: VerificationEvidence) -> CheckResult {
        ChipProofRule.result(kind, evidence.activeAuthentication, keyFile: .dg15, evidence)
    }
}

enum ChipProofRule {
    static func result(
        _ kind: CheckKind,
        _ proof: VerificationEvidence.ChipProof,
        keyFile: DataGroupID,
        _ evidence: VerificationEvidence
    ) -> CheckResult {
        switch proof {
        case .failed(let reason): return CheckResult(kind, .failed, reason: reason)
        case .notSupported: return CheckResult(kind, .notSupported, reason: "the card does not offer it")
        case .notPerformed(let reason): return CheckResult(kind, .notPerformed, reason: reason)
        case .passed:
            guard evidence.files[keyFile] != nil else {
                return CheckResult(
                    kind,
                    .inconclusive,
                    reason: "\(keyFile.rawValue) (the chip's public key) was not read, so its hash was not checked"
                )
            }
            return CheckResult(kind, .passed)
        }
    }
}
