import Foundation
import MRTD

/// A complete test PKI for the simulator and the tests: a CSCA and a Document Signer
/// (ICAO 9303-12 §7), fresh keys per instance. Names say TEST: never a real country signer.
public struct TestPKI: Sendable {
    public static let cscaName: [(String, String)] = [
        ("C", "VN"), ("O", "cancuoc test PKI"), ("CN", "CSCA Viet Nam TEST"),
    ]

    public let csca: IssuedCertificate
    public let documentSigner: IssuedCertificate

    /// - Parameters:
    ///   - dsValidity: the Document Signer's validity (default: 2020-01-01 … 2035-01-01).
    public init(
        scheme: SignatureScheme = .ecdsaBrainpoolP256r1,
        cscaScheme: SignatureScheme? = nil,
        dsNotBefore: Date = TestPKI.date("2020-01-01"),
        dsNotAfter: Date = TestPKI.date("2035-01-01"),
        dsSerial: Int = 100
    ) throws(PKIError) {
        csca = try .csca(
            scheme: cscaScheme ?? scheme,
            notBefore: TestPKI.date("2015-01-01"),
            notAfter: TestPKI.date("2045-01-01")
        )
        documentSigner = try .documentSigner(
            issuedBy: csca,
            scheme: scheme,
            serial: dsSerial,
            notBefore: dsNotBefore,
            notAfter: dsNotAfter
        )
    }

    public init(csca: IssuedCertificate, documentSigner: IssuedCertificate) {
        self.csca = csca
        self.documentSigner = documentSigner
    }

    /// "YYYY-MM-DD" at 00:00 UTC; the epoch for malformed input (test constants only).
    public static func date(_ iso: String) -> Date {
        let p = iso.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return Date(timeIntervalSince1970: 0) }
        var c = DateComponents()
        c.year = p[0]
        c.month = p[1]
        c.day = p[2]
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? .current
        return cal.date(from: c) ?? Date(timeIntervalSince1970: 0)
    }
}
