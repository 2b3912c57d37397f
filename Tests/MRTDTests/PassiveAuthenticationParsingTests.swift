import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// EF.SOD parsing (ICAO 9303-10 §4.6.2): hostile and truncated input throws, never traps.
@Suite struct PassiveAuthenticationParsing {
    @Test func parsesTheLDSSecurityObjectAndSignedAttributes() throws {
        let issue = TestPKI.date("2021-03-20")
        let card = try PAFixture.genuine(scheme: .ecdsaP256, sod: SODBuilder(signingTime: issue))
        let sod = try SOD(card.files[.sod] ?? [])
        #expect(sod.securityObject.version == 0)
        #expect(sod.signingTime == issue)
        #expect(sod.messageDigest == HashAlgorithm.sha256.hash(sod.eContent))
        #expect(sod.securityObject.dataGroupHashes[1] == HashAlgorithm.sha256.hash(card.files[.dg1] ?? []))
        #expect(sod.documentSigner?.sameCertificate(as: card.pki.documentSigner.certificate) == true)
        #expect(sod.certificates.count == 1)
    }

    @Test func ldsVersionInfoRoundTrips() throws {
        let lso = LDSSecurityObject(
            version: 1,
            hashAlgorithm: .sha384,
            dataGroupHashes: [1: [1, 2], 15: [3]],
            ldsVersion: "0108",
            unicodeVersion: "040000"
        )
        let back = try LDSSecurityObject(derEncoded: lso.derEncoded())
        #expect(back == lso)
        #expect(back.hashAlgorithm == .sha384)
    }

    @Test func duplicateDataGroupNumbersAreRejected() throws {
        // SEQUENCE { 0, SEQUENCE { sha256 }, SEQUENCE { {1, ''}, {1, ''} } }
        let der: [UInt8] = [
            0x30, 0x1F, 0x02, 0x01, 0x00,
            0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
            0x30, 0x0D, 0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x00, 0x30, 0x04, 0x02, 0x01, 0x01, 0x04, 0x00,
        ]
        #expect(throws: (any Error).self) { try LDSSecurityObject(derEncoded: der) }
    }

    @Test func everyTruncationThrows() throws {
        let sod = try PAFixture.genuine(scheme: .ecdsaP256).files[.sod] ?? []
        for n in stride(from: 0, to: sod.count, by: 7) {
            #expect(throws: PKIError.self) { try SOD(sod.prefix(n)) }
        }
        #expect(throws: PKIError.self) { try SOD(sod.dropLast()) }
    }

    @Test func corruptedBytesNeverTrapAndNeverVerify() throws {
        let card = try PAFixture.genuine(scheme: .ecdsaP256)
        let sod = card.files[.sod] ?? []
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var bad = sod
            let i = Int.random(in: 0..<bad.count, using: &rng)
            bad[i] ^= UInt8.random(in: 1...255, using: &rng)
            var evidence = PAFixture.evidence(card)
            evidence = VerificationEvidence(
                files: evidence.files.merging([.sod: bad]) { _, n in n },
                dateOfIssue: card.dateOfIssue,
                chipAuthentication: .passed
            )
            let report = Verifier.standard(trust: card.trustStore).verify(evidence)
            // A flipped byte may land in an unsigned, unused field (certificate set padding
            // is not one, but a non-critical spot could be): what matters is never a false
            // accept of altered signed content, and never a trap.
            if report.status == .verified {
                let parsed = try SOD(bad)
                #expect(parsed.eContent == (try SOD(sod)).eContent)
            }
        }
    }

    @Test func notAnSODThrows() {
        #expect(throws: PKIError.self) { try SOD([0x77, 0x03, 0x30, 0x01, 0x00]) }
        #expect(throws: PKIError.self) { try SOD([0x6D, 0x00]) }
        #expect(throws: PKIError.self) { try SOD([]) }
    }
}
