import MRTD
import Testing

/// docs/design.md §9.4 over every combination of check outcomes: `failed` exactly when a check
/// proved something wrong, `verified` exactly when every proof is there.
@Suite struct PassiveAuthenticationVerdict {
    static let outcomes: [CheckOutcome] = [.passed, .failed, .inconclusive, .notSupported, .notPerformed]

    static func combinations() -> [[CheckResult]] {
        var all: [[CheckResult]] = [[]]
        for kind in CheckKind.allCases {
            all = all.flatMap { partial in outcomes.map { partial + [CheckResult(kind, $0)] } }
        }
        return all
    }

    @Test func everyCombination() {
        let combos = Self.combinations()
        #expect(combos.count == 3125)
        for results in combos {
            let by = Dictionary(uniqueKeysWithValues: results.map { ($0.kind, $0.outcome) })
            let status = Verdict.status(results)
            let anyFailed = results.contains { $0.outcome == .failed }
            let passivePassed =
                by[.dataGroupHashes] == .passed && by[.sodSignature] == .passed && by[.documentSignerChain] == .passed
            let chipProof = by[.chipAuthentication] == .passed || by[.activeAuthentication] == .passed
            if anyFailed {
                #expect(status == .failed, "\(by)")
            } else if passivePassed && chipProof {
                #expect(status == .verified, "\(by)")
            } else if results.allSatisfy({ $0.outcome == .notPerformed }) {
                #expect(status == .notPerformed)
            } else {
                #expect(status == .unverified, "\(by)")
            }
        }
    }

    @Test func noFalseAcceptNoFalseReject() {
        for results in Self.combinations() {
            let status = Verdict.status(results)
            // Zero false accepts: a single non-pass passive check never yields verified.
            if results.contains(where: { Verdict.passive.contains($0.kind) && $0.outcome != .passed }) {
                #expect(status != .verified)
            }
            // Zero false rejects: without a failed check, never failed.
            if !results.contains(where: { $0.outcome == .failed }) {
                #expect(status != .failed)
            }
        }
    }

    @Test func namedCases() {
        let pass: [CheckResult] = [
            CheckResult(.dataGroupHashes, .passed), CheckResult(.sodSignature, .passed),
            CheckResult(.documentSignerChain, .passed),
        ]
        #expect(
            Verdict.status(
                pass + [CheckResult(.chipAuthentication, .passed), CheckResult(.activeAuthentication, .notSupported)]
            ) == .verified
        )
        #expect(
            Verdict.status(
                pass + [
                    CheckResult(.chipAuthentication, .notSupported), CheckResult(.activeAuthentication, .notSupported),
                ]
            ) == .unverified
        )
        #expect(
            Verdict.status(
                pass + [CheckResult(.chipAuthentication, .failed), CheckResult(.activeAuthentication, .passed)]
            ) == .failed
        )
        #expect(Verdict.status(pass) == .unverified)
        #expect(Verdict.status([]) == .notPerformed)
    }
}
