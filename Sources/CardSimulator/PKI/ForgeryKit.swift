import Foundation
import MRTD

/// Builds genuine and forged `CardFileSet`s over a ``CitizenProfile``.
public enum ForgeryKit {
    /// A genuine card: SOD over all of the profile's data groups, its CSCA trusted.
    /// `extraFiles` (e.g. DG14/DG15 from the chip-side keys) are added before signing.
    public static func genuine(
        _ profile: CitizenProfile,
        scheme: SignatureScheme = .ecdsaBrainpoolP256r1,
        pki: TestPKI? = nil,
        sod: SODBuilder = SODBuilder(),
        extraFiles: [DataGroupID: [UInt8]] = [:]
    ) throws -> CardFileSet {
        let pki = try pki ?? TestPKI(scheme: scheme)
        var files = try profile.files()
        files.merge(extraFiles) { _, new in new }
        files[.sod] = try sod.build(files: files, signer: pki.documentSigner)
        return CardFileSet(
            files: files,
            trustedCSCAs: [pki.csca.certificate],
            crls: [],
            pki: pki,
            dateOfIssue: issueDate(profile)
        )
    }

    /// The file set for `fault`.
    public static func make(
        _ fault: Forgery,
        profile: CitizenProfile,
        scheme: SignatureScheme = .ecdsaBrainpoolP256r1,
        extraFiles: [DataGroupID: [UInt8]] = [:]
    ) throws -> CardFileSet {
        func genuine(
            _ profile: CitizenProfile,
            scheme: SignatureScheme = scheme,
            pki: TestPKI? = nil
        ) throws -> CardFileSet {
            try ForgeryKit.genuine(profile, scheme: scheme, pki: pki, extraFiles: extraFiles)
        }
        switch fault {
        case .dgModified:
            var set = try genuine(profile, scheme: scheme)
            var altered = profile
            altered.dg13.fullName = profile.dg13.fullName + " X"
            set.files[.dg13] = altered.dg13File()
            return set
        case .sodRehashed:
            var set = try genuine(profile, scheme: scheme)
            var altered = profile
            altered.dg13.fullName = profile.dg13.fullName + " X"
            let newDG13 = altered.dg13File()
            let sod = set.files[.sod] ?? []
            let oldHash = HashAlgorithm.sha256.hash(set.files[.dg13] ?? [])
            guard let at = find(oldHash, in: sod) else { throw PKIError.malformed("DG13 hash not found in EF.SOD") }
            var rehashed = sod
            rehashed.replaceSubrange(at..<(at + oldHash.count), with: HashAlgorithm.sha256.hash(newDG13))
            set.files[.dg13] = newDG13
            set.files[.sod] = rehashed
            return set
        case .badSODSignature:
            let pki = try TestPKI(scheme: scheme)
            var set = try genuine(profile, pki: pki)
            set.files[.sod] = try flipSignature(set.files[.sod] ?? [])
            return set
        case .rogueCSCA:
            let genuinePKI = try TestPKI(scheme: scheme)
            let rogueCSCA = try IssuedCertificate.csca(
                scheme: scheme,
                notBefore: TestPKI.date("2015-01-01"),
                notAfter: TestPKI.date("2045-01-01")
            )
            let rogueDS = try IssuedCertificate.documentSigner(
                issuedBy: rogueCSCA,
                scheme: scheme,
                notBefore: TestPKI.date("2020-01-01"),
                notAfter: TestPKI.date("2035-01-01")
            )
            var set = try genuine(profile, pki: TestPKI(csca: rogueCSCA, documentSigner: rogueDS))
            set.trustedCSCAs = [genuinePKI.csca.certificate]
            return set
        case .forgedDSSignature:
            let genuinePKI = try TestPKI(scheme: scheme)
            let otherKey = try PrivateKey.generate(scheme)
            let forged = try IssuedCertificate.forgedDocumentSigner(
                claiming: genuinePKI.csca.certificate,
                signedWith: otherKey,
                scheme: scheme,
                notBefore: TestPKI.date("2020-01-01"),
                notAfter: TestPKI.date("2035-01-01")
            )
            return try genuine(profile, pki: TestPKI(csca: genuinePKI.csca, documentSigner: forged))
        case .dsExpiredBeforeIssue:
            let issue = issueDate(profile)
            let pki = try TestPKI(
                scheme: scheme,
                dsNotBefore: issue.addingTimeInterval(-3 * 365 * 86_400),
                dsNotAfter: issue.addingTimeInterval(-30 * 86_400)
            )
            return try genuine(profile, pki: pki)
        case .revokedDS:
            let pki = try TestPKI(scheme: scheme, dsSerial: 4242)
            var set = try genuine(profile, pki: pki)
            set.crls = [try CRLBuilder.build(issuer: pki.csca, revoking: [4242])]
            return set
        }
    }

    /// Flips the last byte of the SignerInfo signature inside EF.SOD.
    public static func flipSignature(_ sod: [UInt8]) throws -> [UInt8] {
        let parsed = try SOD(sod)
        guard let sig = parsed.signatureValue, !sig.isEmpty, let at = find(sig, in: sod) else {
            throw PKIError.malformed("signature not found in EF.SOD")
        }
        var out = sod
        out[at + sig.count - 1] ^= 0x01
        return out
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for i in stride(from: haystack.count - needle.count, through: 0, by: -1)
        where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    /// DG13 field 11 of the profile as a date ("dd/mm/yyyy"), else now.
    public static func issueDate(_ profile: CitizenProfile) -> Date {
        let p = profile.dg13.dateOfIssue.split(separator: "/")
        guard p.count == 3 else { return Date() }
        return TestPKI.date("\(p[2])-\(p[1])-\(p[0])")
    }
}
