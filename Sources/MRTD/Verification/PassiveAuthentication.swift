/// Passive authentication (ICAO 9303-11 §5.1) as the three checks it consists of:
/// data group hashes, the SOD signature, and the Document Signer chain to `trust`.
/// Chip and active authentication are separate checks (§6); ``Verifier/standard(trust:)``
/// combines all five.
public struct PassiveAuthentication: Sendable {
    public let trust: TrustStore

    public init(trust: TrustStore) { self.trust = trust }

    public var checks: [any VerificationCheck] {
        [DataGroupHashes(), SODSignature(), DocumentSignerChain(trust: trust)]
    }

    /// The three results, in order.
    public func evaluate(_ evidence: VerificationEvidence) -> [CheckResult] {
        checks.map { $0.evaluate(evidence) }
    }
}
