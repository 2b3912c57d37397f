import Foundation
import SmartCard

/// The Document Signer chains to a trusted CSCA (ICAO 9303-11 §5.1, 9303-12 §7):
/// the CSCA is the one whose subject is the DS issuer AND whose subject key id is the DS
/// authority key id; the DS signature verifies under it; both were valid on the date of
/// issue; a CRL from that CSCA (its own signature verified) does not list the DS.
/// No matching CSCA → inconclusive (unverified); no CRL → noted `revocation: notChecked`;
/// DS expired since the date of issue → noted. With neither a date of issue nor a signing
/// time, validity is checked at "now" and a lapse there is inconclusive, not failed.
public struct DocumentSignerChain: VerificationCheck {
    public var kind: CheckKind { .documentSignerChain }
    public let trust: TrustStore

    public init(trust: TrustStore) { self.trust = trust }

    public func evaluate(_ evidence: VerificationEvidence) -> CheckResult {
        let sod: SOD
        switch evidence.requireSOD(for: kind) {
        case .success(let s): sod = s
        case .failure(let r): return r
        }
        guard let ds = sod.documentSigner else {
            return CheckResult(kind, .inconclusive, reason: "EF.SOD embeds no Document Signer certificate")
        }
        var facts = CheckFacts(documentSigner: ds.subject)
        let candidates = trust.issuers(of: ds)
        guard !candidates.isEmpty else {
            let aki = ds.authorityKeyIdentifier.map { " key id " + Hex.encode($0).lowercased() } ?? ""
            return CheckResult(
                kind,
                .inconclusive,
                reason: "no trusted CSCA matches the Document Signer's issuer \(ds.issuer)\(aki)",
                facts: facts
            )
        }
        let (date, source) = evidence.validityDate
        // Several certificates may carry the same CSCA key (a re-issued CSCA): prefer one
        // valid on the date, so an expired twin never rejects a genuine card.
        let verifying = candidates.filter { $0.verifiesSignature(of: ds) }
        guard let csca = verifying.first(where: { $0.isValid(onDayOf: date) }) ?? verifying.first else {
            // Name and key id point to a trusted CSCA (with an AKI), yet its key refuses the DS: forged.
            if ds.authorityKeyIdentifier != nil {
                return CheckResult(
                    kind,
                    .failed,
                    reason:
                        "the Document Signer's signature does not verify under the trusted CSCA \(candidates[0].subject)",
                    facts: facts
                )
            }
            return CheckResult(
                kind,
                .inconclusive,
                reason:
                    "the Document Signer has no authority key id and no trusted CSCA of its issuer name verifies it",
                facts: facts
            )
        }
        facts.csca = csca.subject
        var notes: [CheckNote] = [.validityCheckedAt(source)]
        // Without a date of issue or signing time, "now" stands in: a certificate expired
        // by now proves nothing about the day the card was issued, so it is a missing
        // proof, not a forgery (no false rejects).
        let invalid: CheckOutcome = source == "now" ? .inconclusive : .failed
        let when = source == "now" ? "now (no date of issue or signing time known)" : "at the \(source)"
        guard csca.isValid(onDayOf: date) else {
            return CheckResult(
                kind,
                invalid,
                reason: "the CSCA certificate was not valid \(when)",
                notes: notes,
                facts: facts
            )
        }
        guard ds.isValid(onDayOf: date) else {
            return CheckResult(
                kind,
                invalid,
                reason: "the Document Signer certificate was not valid \(when)",
                notes: notes,
                facts: facts
            )
        }
        if let na = ds.notAfter, na < evidence.now { notes.append(.documentSignerExpiredSinceIssue) }

        let crls = trust.crls.filter { $0.isIssued(byName: csca) }
        let verifiedCRLs = crls.filter { $0.verifies(under: csca) }
        if crls.count > verifiedCRLs.count { notes.append(.unverifiedCRLsIgnored(crls.count - verifiedCRLs.count)) }
        if verifiedCRLs.isEmpty {
            facts.revocation = .notChecked
            notes.append(.revocationNotChecked)
        } else if verifiedCRLs.contains(where: { $0.revokes(ds) }) {
            facts.revocation = .revoked
            return CheckResult(
                kind,
                .failed,
                reason: "the Document Signer certificate is revoked by the CSCA's CRL",
                notes: notes,
                facts: facts
            )
        } else if let newest = verifiedCRLs.compactMap(\.nextUpdate).max(), newest < evidence.now,
            verifiedCRLs.allSatisfy({ $0.nextUpdate != nil })
        {
            facts.revocation = .notChecked
            notes.append(.revocationNotCheckedCRLExpired(newest))
        } else {
            facts.revocation = .notRevoked
        }
        return CheckResult(kind, .passed, notes: notes, facts: facts)
    }
}
