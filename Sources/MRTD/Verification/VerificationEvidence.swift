import Foundation

/// What a read produced, as the checks need it: the raw files, the date of issue from
/// the card's own data, and the outcomes of the chip-side protocols the reader ran.
public struct VerificationEvidence: Sendable {
    /// The result of chip authentication or active authentication as the reader ran it
    /// (ICAO 9303-11 §6): this module only weighs it.
    public typealias ChipProof = AuthenticationOutcome

    /// Data groups and EF.COM as read (DG3 answered 6982: leave it out).
    public var files: [DataGroupID: [UInt8]]
    /// EF.SOD parsed, or why it could not be (nil when it was not read).
    public var sod: Result<SOD, PKIError>?
    /// The date of issue printed in DG13 field 11, when the caller has it.
    public var dateOfIssue: Date?
    public var chipAuthentication: ChipProof
    public var activeAuthentication: ChipProof
    /// "Now" for the fallback date (injectable for tests).
    public var now: Date

    /// `files` may include `.sod`; it is parsed here once.
    public init(
        files: [DataGroupID: [UInt8]],
        dateOfIssue: Date? = nil,
        chipAuthentication: ChipProof = .notPerformed("not run"),
        activeAuthentication: ChipProof = .notPerformed("not run"),
        now: Date = Date()
    ) {
        self.files = files
        self.dateOfIssue = dateOfIssue
        self.chipAuthentication = chipAuthentication
        self.activeAuthentication = activeAuthentication
        self.now = now
        if let bytes = files[.sod] {
            do { sod = .success(try SOD(bytes)) } catch { sod = .failure(error) }
        } else {
            sod = nil
        }
    }

    /// The date certificates must be valid on (docs/design.md §9.4): DG13 date of issue, else
    /// the SOD signingTime, else now.
    public var validityDate: (date: Date, source: String) {
        if let dateOfIssue { return (dateOfIssue, "date of issue") }
        if case .success(let sod)? = sod, let t = sod.signingTime { return (t, "SOD signingTime") }
        return (now, "now")
    }

    /// The parsed SOD, or the check result that says why there is none.
    func requireSOD(for kind: CheckKind) -> SODAvailability {
        switch sod {
        case .success(let s)?: return .success(s)
        case .failure(let e)?:
            return .failure(CheckResult(kind, .inconclusive, reason: "EF.SOD could not be parsed: \(e)"))
        case nil: return .failure(CheckResult(kind, .notPerformed, reason: "EF.SOD was not read"))
        }
    }

    enum SODAvailability {
        case success(SOD)
        case failure(CheckResult)
    }
}
