import CCCD
import CardSimulator
import MRTD
import PCSC
import TestBench
import Testing

@testable import CardService

/// A reception desk must never be told "verified" for a cloned or edited card, and never
/// "forged" for a genuine one (docs/verification.md): the whole matrix through pcscd + vpcd.
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(5)))
struct VerifyThroughPCSCD {
    static func read(
        _ options: SimulatedCCCD.Options,
        trusted: Bool = true,
        profile name: String = "le-thi-hong-nhung"
    ) async throws -> CitizenRecord {
        let profile = try CitizenProfile.load(named: name)
        let card = try SimulatedCCCD.build(profile: profile, options: options)
        let bench = try await PCSCBench.shared()
        return try await bench.withInserted(card.handler) {
            try await PCSCContext.with { context in
                var read = try CardReadRequest(
                    key: KeySpec(id: profile.dg13.idNumber),
                    options: ReadOptions(waitForCard: .seconds(5))
                )
                if trusted { read.trust = { card.trustStore } }
                return try await CardReading().read(
                    reader: context.reader(named: bench.readerName(slot: 0)),
                    identity: nil,
                    request: read
                )
            }
        }
    }

    @Test func aGenuineCardWithItsCSCATrustedIsVerifiedWithEveryCheckPassed() async throws {
        let v = try await Self.read(.init()).verification
        #expect(v.status == .verified)
        #expect(v.passive.status == .passed && v.chip.status == .passed && v.active.status == .passed)
        #expect(v.passive.documentSigner?.contains("Document Signer") == true)
        #expect(v.passive.csca?.contains("CSCA") == true)
    }

    @Test func aGenuineCardWithoutItsCSCAIsUnverifiedNeverFailed() async throws {
        let v = try await Self.read(.init(), trusted: false).verification
        #expect(v.status == .unverified)
        #expect(v.passive.reason?.contains("DocumentSignerChain") == true)
    }

    @Test func aDocumentSignerExpiredAfterTheDateOfIssueStaysVerified() async throws {
        #expect(try await Self.read(.init(documentSignerExpiredSinceIssue: true)).verification.status == .verified)
    }

    @Test(arguments: [SignatureScheme.rsaPKCS1, .rsaPSS, .ecdsaP256, .ecdsaBrainpoolP256r1])
    func everyICAOSignerVerifies(signer: SignatureScheme) async throws {
        #expect(try await Self.read(.init(signer: signer)).verification.status == .verified)
    }

    @Test func rsaActiveAuthenticationVerifies() async throws {
        let v = try await Self.read(.init(activeAuthentication: .rsa2048)).verification
        #expect(v.status == .verified && v.active.status == .passed)
    }

    /// What §9.4 says each forgery is, and which check must say so.
    static let expected: [(SimulatedForgery, CitizenRecord.Verification.Status, String)] = [
        (.document(.dgModified), .failed, "passive"),
        (.document(.sodRehashed), .failed, "passive"),
        (.document(.badSODSignature), .failed, "passive"),
        (.document(.rogueCSCA), .unverified, "passive"),
        (.document(.forgedDSSignature), .failed, "passive"),
        (.document(.dsExpiredBeforeIssue), .failed, "passive"),
        (.document(.revokedDS), .failed, "passive"),
        (.chipKey(.dg14WrongKey), .failed, "chip"),
        (.chipKey(.dg15WrongKey), .failed, "active"),
    ]

    @Test(arguments: 0..<9)
    func eachForgeryGetsItsVerdictAtTheRightCheckAndIsNeverVerified(index: Int) async throws {
        let (forgery, status, check) = Self.expected[index]
        let v = try await Self.read(.init(forgery: forgery)).verification
        #expect(v.status == status, "\(forgery): \(v.status)")
        #expect(v.status != .verified, "false accept: \(forgery)")
        switch check {
        case "passive": #expect(v.passive.status != .passed, "\(forgery): \(v.passive)")
        case "chip": #expect(v.chip.status == .failed, "\(forgery): \(v.chip)")
        default: #expect(v.active.status == .failed, "\(forgery): \(v.active)")
        }
    }

    @Test func everyForgeryIsListed() {
        #expect(Set(Self.expected.map { $0.0 }) == Set(SimulatedForgery.allCases))
    }
}
