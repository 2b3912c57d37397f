import Logging

/// Runs a list of checks over the evidence and derives the verdict with ``Verdict``
/// (docs/design.md §9.4).
public struct Verifier: Sendable {
    public var checks: [any VerificationCheck]
    /// Logs check names, outcomes and authority names only, never personal data.
    public var logger: Logger

    public init(checks: [any VerificationCheck], logger: Logger = Logger(label: "cancuoc.mrtd")) {
        self.checks = checks
        self.logger = logger
    }

    /// The standard set: hashes, SOD signature, DS chain to `trust`, chip and active authentication.
    public static func standard(trust: TrustStore) -> Verifier {
        Verifier(checks: PassiveAuthentication(trust: trust).checks + [ChipAuthentication(), ActiveAuthentication()])
    }

    public func verify(_ evidence: VerificationEvidence) -> VerificationReport {
        let report = VerificationReport(checks: checks.map { $0.evaluate(evidence) })
        for r in report.checks {
            logger.debug("check", metadata: ["check": "\(r.name)", "outcome": "\(r.outcome.rawValue)"])
        }
        logger.debug("verdict", metadata: ["status": "\(report.status.rawValue)"])
        return report
    }
}

/// The verdict and the results it was derived from.
public struct VerificationReport: Sendable, Hashable {
    public var status: Verdict.Status
    public var checks: [CheckResult]

    public init(checks: [CheckResult]) {
        self.checks = checks
        self.status = Verdict.status(checks)
    }

    public subscript(kind: CheckKind) -> CheckResult? { checks.first { $0.kind == kind } }

    /// The first check that decided a non-verified verdict (failed, else missing proof).
    /// For `unverified` with every passive check passed, that is chip authentication (the
    /// missing chip proof).
    public var decisive: CheckResult? {
        if let failed = checks.first(where: { $0.outcome == .failed }) { return failed }
        if let missing = checks.first(where: { $0.outcome != .passed && Verdict.passive.contains($0.kind) }) {
            return missing
        }
        return status == .unverified ? self[.chipAuthentication] ?? self[.activeAuthentication] : nil
    }
}
