import Foundation
import MRTD

/// What a simulated card carries plus what the verifier trusts.
public struct CardFileSet: Sendable {
    /// Data groups, COM and `.sod`, as the chip serves them.
    public var files: [DataGroupID: [UInt8]]
    /// The CSCAs to put in the trust directory (the genuine one, even for rogue-csca).
    public var trustedCSCAs: [X509Certificate]
    public var crls: [X509CRL]
    /// The PKI that signed it (keys for further forging).
    public var pki: TestPKI
    /// The date of issue the card states (DG13 field 11).
    public var dateOfIssue: Date

    public var trustStore: TrustStore { TrustStore(cscas: trustedCSCAs, crls: crls) }

    /// Writes the trust material to a directory `TrustStore(directory:)` loads.
    public func writeTrust(to directory: URL) throws {
        try TrustDirectory.write(to: directory, cscas: trustedCSCAs, crls: crls)
    }
}
