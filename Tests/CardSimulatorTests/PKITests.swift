import Foundation
import MRTD
import Testing

@testable import CardSimulator

/// The test PKI follows the ICAO 9303-12 §7 certificate profiles closely enough for the
/// verifier: CSCA self-signed CA with SKI, DS with AKI = CSCA SKI.
@Suite struct PKIGenerator {
    @Test(arguments: SignatureScheme.allCases)
    func cscaAndDocumentSigner(scheme: SignatureScheme) throws {
        let pki = try TestPKI(scheme: scheme)
        let csca = pki.csca.certificate
        let ds = pki.documentSigner.certificate
        #expect(csca.isCA)
        #expect(!ds.isCA)
        #expect(csca.subject == csca.issuer)
        #expect(csca.subject.contains("CN=CSCA Viet Nam TEST"))
        #expect(csca.subjectKeyIdentifier != nil)
        #expect(ds.authorityKeyIdentifier == csca.subjectKeyIdentifier)
        #expect(csca.isIssuerName(of: ds))
        #expect(csca.verifiesSignature(of: ds))
        #expect(csca.verifiesSignature(of: csca))
        #expect(!ds.verifiesSignature(of: ds))
        #expect(ds.serialHex == "64")
        #expect(ds.isValid(onDayOf: TestPKI.date("2021-03-20")))
        #expect(!ds.isValid(onDayOf: TestPKI.date("2036-01-01")))
        #expect(pki.documentSigner.key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test func pemAndDERRoundTrip() throws {
        let pki = try TestPKI(scheme: .ecdsaP256)
        let cert = pki.csca.certificate
        let fromPEM = try X509Certificate.load(Array(cert.pem.utf8))
        #expect(fromPEM.count == 1 && fromPEM[0].der == cert.der)
        #expect(try X509Certificate(der: cert.der).sameCertificate(as: cert))
        #expect(throws: PKIError.self) { try X509Certificate(der: Array(cert.der.dropLast(3))) }
    }

    @Test func crlRevokesTheGivenSerialAndVerifiesUnderItsCSCA() throws {
        let pki = try TestPKI(scheme: .rsaPKCS1, dsSerial: 4242)
        let crl = try CRLBuilder.build(issuer: pki.csca, revoking: [4242])
        #expect(crl.revokes(pki.documentSigner.certificate))
        #expect(crl.isIssued(byName: pki.csca.certificate))
        #expect(crl.verifies(under: pki.csca.certificate))
        #expect(!crl.verifies(under: pki.documentSigner.certificate))
        let back = try X509CRL.load(Array(crl.pem.utf8))
        #expect(back.first?.der == crl.der)
    }

    @Test func masterListVerifiesUnderItsIssuingCSCA() throws {
        let a = try TestPKI(scheme: .ecdsaP256)
        let b = try TestPKI(scheme: .ecdsaBrainpoolP256r1)
        let signer = try IssuedCertificate.masterListSigner(
            issuedBy: a.csca,
            notBefore: TestPKI.date("2020-01-01"),
            notAfter: TestPKI.date("2040-01-01")
        )
        let ml = try MasterListBuilder.build(cscas: [a.csca.certificate, b.csca.certificate], signer: signer)
        let list = try CSCAMasterList(ml, anchors: [a.csca.certificate])
        #expect(list.certificates.count == 2)
        #expect(list.signer.sameCertificate(as: signer.certificate))
        #expect(throws: PKIError.self) { try CSCAMasterList(ml, anchors: [b.csca.certificate]) }
    }

    @Test func sodBuilderHashesEveryDataGroupAndSignsAt() throws {
        let pki = try TestPKI(scheme: .rsaPSS)
        let files: [DataGroupID: [UInt8]] = [.com: [0x60, 0x00], .dg1: [0x61, 0x00], .dg2: [0x75, 0x00]]
        let at = TestPKI.date("2021-01-05")
        let sod = try SOD(
            SODBuilder(hashAlgorithm: .sha512, signingTime: at).build(files: files, signer: pki.documentSigner)
        )
        #expect(
            sod.securityObject.dataGroupHashes == [
                1: HashAlgorithm.sha512.hash([0x61, 0x00]),
                2: HashAlgorithm.sha512.hash([0x75, 0x00]),
            ]
        )
        #expect(sod.signingTime == at)
        #expect(sod.signatureFailure() == nil)
        #expect(sod.raw.first == 0x77)
    }

    @Test(arguments: Forgery.allCases)
    func everyFaultBuildsAFileSetAndWritesItsTrustDirectory(fault: Forgery) throws {
        let set = try ForgeryKit.make(fault, profile: CitizenProfile.load(named: "hoang-van-thach"), scheme: .ecdsaP256)
        #expect(set.files[.sod] != nil && set.files[.dg1] != nil && set.files[.dg13] != nil)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try set.writeTrust(to: dir)
        let store = TrustStore(directory: dir)
        #expect(store.rejected.isEmpty)
        #expect(store.cscas.count == 1)
        #expect(store.crls.count == (fault == .revokedDS ? 1 : 0))
    }
}
