import CCCD
import CardSimulator
import Foundation
import MRTD
import Testing

/// The verifier's report as the citizen record shows it (docs/design.md §9.1, §9.4).
@Suite struct VerificationReportMapping {
    static let chipKeys: [DataGroupID: [UInt8]] = [.dg14: [0x6E, 0x02, 0x31, 0x00], .dg15: [0x6F, 0x02, 0x30, 0x00]]

    static func record(
        _ set: CardFileSet,
        trust: TrustStore? = nil,
        ca: VerificationEvidence.ChipProof = .passed
    ) throws -> CitizenRecord.Verification {
        var files = set.files
        files[.dg3] = nil
        let dg13 = try DG13(files[.dg13] ?? [])
        let evidence = VerificationEvidence(
            files: files,
            dg13: dg13,
            chipAuthentication: ca,
            activeAuthentication: .notSupported
        )
        return CitizenRecord.Verification(Verifier.standard(trust: trust ?? set.trustStore).verify(evidence))
    }

    static func profile() throws -> CitizenProfile { try CitizenProfile.load(named: "le-thi-hong-nhung") }

    @Test func genuineIsVerifiedWithSignerNamesAndTheRevocationNote() throws {
        let set = try ForgeryKit.genuine(Self.profile(), scheme: .ecdsaP256, extraFiles: Self.chipKeys)
        let v = try Self.record(set)
        #expect(v.status == .verified)
        #expect(v.passive.status == .passed)
        #expect(v.passive.reason == "revocation: notChecked")
        #expect(v.passive.documentSigner?.contains("CN=Document Signer TEST") == true)
        #expect(v.passive.csca?.contains("CN=CSCA Viet Nam TEST") == true)
        #expect(v.chip == .init(status: .passed, reason: nil))
        #expect(v.active.status == .notSupported)
        let json = String(decoding: try JSONEncoder().encode(v), as: UTF8.self)
        #expect(json.contains("\"status\":\"verified\""))
    }

    @Test func withoutTrustAnchorsItIsUnverifiedAndSaysWhy() throws {
        let set = try ForgeryKit.genuine(Self.profile(), scheme: .ecdsaP256, extraFiles: Self.chipKeys)
        let v = try Self.record(set, trust: TrustStore())
        #expect(v.status == .unverified)
        #expect(v.passive.status == .notPerformed)
        #expect(v.passive.reason?.hasPrefix("DocumentSignerChain: no trusted CSCA") == true)
        #expect(v.passive.csca == nil)
    }

    @Test(arguments: [
        (Forgery.dgModified, "DataGroupHashes"), (.badSODSignature, "SODSignature"),
        (.dsExpiredBeforeIssue, "DocumentSignerChain"), (.revokedDS, "DocumentSignerChain"),
        (.forgedDSSignature, "DocumentSignerChain"),
    ])
    func forgeriesFailNamingTheCheck(fault: Forgery, check: String) throws {
        let set = try ForgeryKit.make(fault, profile: Self.profile(), scheme: .ecdsaP256, extraFiles: Self.chipKeys)
        let v = try Self.record(set)
        #expect(v.status == .failed)
        #expect(v.passive.status == .failed)
        #expect(v.passive.reason?.hasPrefix(check + ":") == true, "\(v.passive.reason ?? "")")
    }

    @Test func rogueCSCAIsUnverified() throws {
        let set = try ForgeryKit.make(
            .rogueCSCA,
            profile: Self.profile(),
            scheme: .ecdsaP256,
            extraFiles: Self.chipKeys
        )
        #expect(try Self.record(set).status == .unverified)
    }

    @Test func chipAuthenticationRefusedFails() throws {
        let set = try ForgeryKit.genuine(Self.profile(), scheme: .ecdsaP256, extraFiles: Self.chipKeys)
        let v = try Self.record(set, ca: .failed("the chip's MAC did not verify"))
        #expect(v.status == .failed)
        #expect(v.passive.status == .passed)
        #expect(v.chip == .init(status: .failed, reason: "the chip's MAC did not verify"))
    }

    @Test func oneCallForAReader() throws {
        let set = try ForgeryKit.genuine(Self.profile(), scheme: .ecdsaBrainpoolP256r1, extraFiles: Self.chipKeys)
        let v = CitizenRecord.Verification.verify(
            files: set.files,
            dg13: try DG13(set.files[.dg13] ?? []),
            trust: set.trustStore,
            chipAuthentication: .notSupported,
            activeAuthentication: .passed
        )
        #expect(v.status == .verified)
        #expect(v.active.status == .passed)
        #expect(v.chip.status == .notSupported)
    }

    @Test func issueDates() {
        #expect(CitizenRecord.Verification.issueDate(iso: "2021-03-20") == Date(timeIntervalSince1970: 1_616_198_400))
        #expect(CitizenRecord.Verification.issueDate(iso: "2021-02-30") == nil)
        #expect(CitizenRecord.Verification.issueDate(iso: nil) == nil)
        #expect(CitizenRecord.Verification.issueDate(iso: "20/03/2021") == nil)
    }
}
