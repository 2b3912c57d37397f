import Foundation
import MRTD

extension CitizenRecord.Verification {
    /// The record's `verification` (docs/design.md §9.1) from the verifier's report (§9.4).
    /// `passive` folds the three passive-authentication checks: `failed` names the check
    /// that proved a forgery; `passed` when all three passed (the reason then carries the
    /// notes an integrator may want, such as `revocation: notChecked`); a missing proof
    /// (no trusted CSCA, unreadable SOD) is `notPerformed` with the reason, and the
    /// overall status says `unverified`.
    public init(_ report: VerificationReport) {
        let passiveResults = report.checks.filter { Verdict.passive.contains($0.kind) }
        let chain = report[.documentSignerChain]
        let signer = chain?.facts.documentSigner ?? report[.sodSignature]?.facts.documentSigner
        let passive: Passive
        if let failed = passiveResults.first(where: { $0.outcome == .failed }) {
            passive = Passive(
                status: .failed,
                reason: Self.text(failed),
                documentSigner: signer,
                csca: chain?.facts.csca
            )
        } else if passiveResults.count == Verdict.passive.count, passiveResults.allSatisfy({ $0.outcome == .passed }) {
            var notes: [String] = []
            if chain?.notes.contains(.revocationNotChecked) == true { notes.append("revocation: notChecked") }
            for case .revocationNotCheckedCRLExpired(let date) in chain?.notes ?? [] {
                notes.append(CheckNote.revocationNotCheckedCRLExpired(date).description)
            }
            if chain?.notes.contains(.documentSignerExpiredSinceIssue) == true {
                notes.append("Document Signer certificate expired since the date of issue")
            }
            passive = Passive(
                status: .passed,
                reason: notes.isEmpty ? nil : notes.joined(separator: "; "),
                documentSigner: signer,
                csca: chain?.facts.csca
            )
        } else if let missing = passiveResults.first(where: { $0.outcome != .passed && $0.outcome != .notPerformed })
            ?? passiveResults.first(where: { $0.outcome != .passed })
        {
            passive = Passive(status: .notPerformed, reason: Self.text(missing), documentSigner: signer, csca: nil)
        } else {
            passive = Passive(status: .notPerformed, reason: "passive authentication was not run")
        }
        self.init(
            status: report.status,
            passive: passive,
            active: Self.check(report[.activeAuthentication], "active authentication"),
            chip: Self.check(report[.chipAuthentication], "chip authentication")
        )
    }

    /// One call for a reader: runs the standard checks over what was read (date of issue
    /// from DG13) against `trust` and returns the record's verification.
    public static func verify(
        files: [DataGroupID: [UInt8]],
        dg13: DG13?,
        trust: TrustStore,
        chipAuthentication: VerificationEvidence.ChipProof,
        activeAuthentication: VerificationEvidence.ChipProof
    ) -> CitizenRecord.Verification {
        let evidence = VerificationEvidence(
            files: files,
            dg13: dg13,
            chipAuthentication: chipAuthentication,
            activeAuthentication: activeAuthentication
        )
        return CitizenRecord.Verification(Verifier.standard(trust: trust).verify(evidence))
    }

    static func text(_ r: CheckResult) -> String {
        "\(r.name): \(r.reason ?? r.outcome.rawValue)"
    }

    static func check(_ r: CheckResult?, _ what: String) -> Check {
        guard let r else { return Check(status: .notPerformed, reason: "\(what) was not run") }
        switch r.outcome {
        case .passed: return Check(status: .passed, reason: nil)
        case .failed: return Check(status: .failed, reason: r.reason)
        case .notSupported: return Check(status: .notSupported, reason: r.reason)
        case .notPerformed: return Check(status: .notPerformed, reason: r.reason)
        case .inconclusive: return Check(status: .notPerformed, reason: r.reason)
        }
    }

    /// DG13's date of issue ("YYYY-MM-DD", as `DG13.dateOfIssue` gives it) as 00:00 UTC,
    /// the date certificates must be valid on (docs/design.md §9.4); nil when absent or malformed.
    public static func issueDate(iso: String?) -> Date? {
        guard let iso else { return nil }
        let p = iso.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return nil }
        var c = DateComponents()
        c.year = p[0]
        c.month = p[1]
        c.day = p[2]
        var cal = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        cal.timeZone = utc
        guard c.isValidDate(in: cal) else { return nil }
        return cal.date(from: c)
    }
}

extension VerificationEvidence {
    /// Evidence for a CCCD read: the date of issue comes from DG13 field 11.
    public init(
        files: [DataGroupID: [UInt8]],
        dg13: DG13?,
        chipAuthentication: ChipProof = .notPerformed("not run"),
        activeAuthentication: ChipProof = .notPerformed("not run"),
        now: Date = Date()
    ) {
        self.init(
            files: files,
            dateOfIssue: CitizenRecord.Verification.issueDate(iso: dg13?.dateOfIssue),
            chipAuthentication: chipAuthentication,
            activeAuthentication: activeAuthentication,
            now: now
        )
    }
}
