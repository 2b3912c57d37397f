/// Every data group read hashes, with the SOD's algorithm, to the value the SOD signs
/// (ICAO 9303-11 §5.1 step 3). DG3 not read (protected by terminal authentication) is
/// skipped; a data group read but absent from the SOD fails; SOD entries not read are not
/// counted.
public struct DataGroupHashes: VerificationCheck {
    public var kind: CheckKind { .dataGroupHashes }
    public init() {}

    public func evaluate(_ evidence: VerificationEvidence) -> CheckResult {
        let sod: SOD
        switch evidence.requireSOD(for: kind) {
        case .success(let s): sod = s
        case .failure(let r): return r
        }
        let lso = sod.securityObject
        guard let algorithm = lso.hashAlgorithm else {
            return CheckResult(kind, .inconclusive, reason: "unsupported SOD hash algorithm \(lso.hashAlgorithmOID)")
        }
        var notes: [CheckNote] = []
        if evidence.files[.dg3] == nil, lso.dataGroupHashes[3] != nil { notes.append(.dg3Protected) }
        var matched: [String] = []
        for id in DataGroupID.dataGroups {
            guard let bytes = evidence.files[id], let n = id.number else { continue }
            guard let expected = lso.dataGroupHashes[n] else {
                return CheckResult(kind, .failed, reason: "\(id.rawValue) was read but the SOD has no hash for it")
            }
            guard algorithm.hash(bytes) == expected else {
                return CheckResult(
                    kind,
                    .failed,
                    reason: "\(id.rawValue) does not match its SOD hash (\(algorithm.rawValue))"
                )
            }
            matched.append(id.rawValue)
        }
        guard !matched.isEmpty else { return CheckResult(kind, .inconclusive, reason: "no data group was read") }
        return CheckResult(
            kind,
            .passed,
            notes: notes + [.matched(matched)],
            facts: CheckFacts(hashAlgorithm: algorithm)
        )
    }
}
