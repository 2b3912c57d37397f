import MRTD

extension CitizenRecord {
    /// The verdict and its three checks (docs/design.md §9.4). Until the verifier runs, every
    /// check is `notPerformed` with a reason.
    public struct Verification: Codable, Sendable, Hashable {
        /// The verdict's status: one list, `MRTD.Verdict.Status` (docs/design.md §9.4).
        public typealias Status = VerificationStatus

        public enum CheckStatus: String, Codable, Sendable, Hashable {
            case passed, failed, notSupported, notPerformed
        }

        /// Passive authentication: SOD hashes, signature and the Document Signer chain.
        public struct Passive: Codable, Sendable, Hashable {
            public var status: CheckStatus
            @ExplicitNull public var reason: String?
            /// Subject of the Document Signer certificate.
            @ExplicitNull public var documentSigner: String?
            /// Subject of the trusted CSCA it chains to.
            @ExplicitNull public var csca: String?

            public init(status: CheckStatus, reason: String?, documentSigner: String? = nil, csca: String? = nil) {
                self.status = status
                self.reason = reason
                self.documentSigner = documentSigner
                self.csca = csca
            }
        }

        /// Active or chip authentication.
        public struct Check: Codable, Sendable, Hashable {
            public var status: CheckStatus
            @ExplicitNull public var reason: String?

            public init(status: CheckStatus, reason: String?) {
                self.status = status
                self.reason = reason
            }
        }

        public var status: Status
        public var passive: Passive
        public var active: Check
        public var chip: Check

        public init(status: Status, passive: Passive, active: Check, chip: Check) {
            self.status = status
            self.passive = passive
            self.active = active
            self.chip = chip
        }

        /// Before the verifier lands (docs/design.md §9.1): nothing checked, each check says so.
        public static let notPerformed = Verification(
            status: .notPerformed,
            passive: Passive(status: .notPerformed, reason: "passive authentication is not performed by this build"),
            active: Check(status: .notPerformed, reason: "active authentication is not performed by this build"),
            chip: Check(status: .notPerformed, reason: "chip authentication is not performed by this build")
        )
    }
}
