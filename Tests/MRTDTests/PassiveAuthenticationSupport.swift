import Foundation
import MRTD

@testable import CardSimulator

/// Shared fixtures: a profile's files plus stand-in DG14/DG15 (the chip keys come from the
/// crypto module; for passive authentication any bytes the SOD hashes will do).
enum PAFixture {
    static let profile: CitizenProfile? = try? CitizenProfile.load(named: "tran-minh-khoa")

    static func loadProfile() throws -> CitizenProfile {
        guard let profile else { throw PKIError.malformed("bundled profile missing") }
        var p = profile
        p.directory = profile.directory
        return p
    }

    static let dg14: [UInt8] = [0x6E, 0x05, 0x31, 0x03, 0x02, 0x01, 0x01]
    static let dg15: [UInt8] = [0x6F, 0x03, 0x30, 0x01, 0x00]
    static var chipKeys: [DataGroupID: [UInt8]] { [.dg14: dg14, .dg15: dg15] }

    /// A genuine card with DG14 and DG15 in the SOD.
    static func genuine(
        scheme: SignatureScheme = .ecdsaBrainpoolP256r1,
        pki: TestPKI? = nil,
        sod: SODBuilder = SODBuilder()
    ) throws -> CardFileSet {
        try ForgeryKit.genuine(loadProfile(), scheme: scheme, pki: pki, sod: sod, extraFiles: chipKeys)
    }

    static func evidence(
        _ set: CardFileSet,
        ca: VerificationEvidence.ChipProof = .passed,
        aa: VerificationEvidence.ChipProof = .notSupported
    ) -> VerificationEvidence {
        var files = set.files
        files[.dg3] = nil
        return VerificationEvidence(
            files: files,
            dateOfIssue: set.dateOfIssue,
            chipAuthentication: ca,
            activeAuthentication: aa
        )
    }

    static func verify(
        _ set: CardFileSet,
        trust: TrustStore? = nil,
        ca: VerificationEvidence.ChipProof = .passed,
        aa: VerificationEvidence.ChipProof = .notSupported
    ) -> VerificationReport {
        Verifier.standard(trust: trust ?? set.trustStore).verify(evidence(set, ca: ca, aa: aa))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-pa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
