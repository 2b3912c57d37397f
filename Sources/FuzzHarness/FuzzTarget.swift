/// The parsers the fuzzers drive (docs/fuzzing.md). Every byte from a card or a client is hostile:
/// for each target, `FuzzHarness.run` hands the bytes to the real parser and ignores what it
/// throws (a throw is the right answer); a trap, a hang or an unbounded allocation is the bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    // ISO 7816-4 (SmartCard)
    case tlv, commandAPDU, responseAPDU
    // ICAO 9303 (MRTD)
    case mrz, cardAccess, efCOM, dg1, dg2, smResponse, fileReader
    // Access control against a hostile chip
    case pace, bac
    // CCCD profile
    case qr, dg13, citizenRecord
    // Daemon API (CancuocAPI, CardService)
    case jsonRPC, keySpec
    // Province roll-up: a Prometheus HTTP API answer (CancuocUsage)
    case prometheusQuery
    // PC/SC reader properties; pcsc-tools' list of ATRs (names in `cancuoc readers`)
    case readerFeatures, tlvProperties, smartcardList
    // Passive and active authentication: EF.SOD (CMS), X.509 certificates and CRLs, DG14, DG15.
    case sod, certificate, dg14, dg15
    // A fetched CRL checked against a CSCA before it is installed (CRLAcceptance).
    case crlUpdate
    // The printed address resolved to administrative units (AdminUnits)
    case address
    // The face check (FaceCheck): the matcher's answers, the portrait's image header.
    case matcherStream, imageDimensions
    // The daemon's camera (FaceCamera): a Y4M file or pipe.
    case y4mStream

    /// Whether the target drives a real parser (every one does now).
    public var isImplemented: Bool { true }
}
