/// Why a certificate, CRL, master list or EF.SOD could not be used. Parsers throw these for
/// hostile or damaged input and never trap.
public enum PKIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The structure is not valid DER/PEM or misses a required element.
    case malformed(String)
    /// Well-formed, but something we do not support (algorithm, version, content type).
    case unsupported(String)
    /// A signature did not verify.
    case signature(String)
    /// The signer does not chain to a trust anchor.
    case untrusted(String)
    /// libcrypto failed to build something (the test PKI).
    case library(String)

    public var description: String {
        switch self {
        case .malformed(let s): return "malformed: \(s)"
        case .unsupported(let s): return "unsupported: \(s)"
        case .signature(let s): return "signature: \(s)"
        case .untrusted(let s): return "untrusted: \(s)"
        case .library(let s): return "libcrypto: \(s)"
        }
    }
}
