import CLibCrypto
import SwiftASN1

/// The hash algorithms ICAO 9303-11 §5 / 9303-12 allow for the LDS security object and
/// the SOD signature.
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case sha1 = "SHA-1"
    case sha224 = "SHA-224"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"

    /// The algorithm's object identifier (NIST CSOR / OIW).
    public var oid: ASN1ObjectIdentifier {
        switch self {
        case .sha1: return [1, 3, 14, 3, 2, 26]
        case .sha224: return [2, 16, 840, 1, 101, 3, 4, 2, 4]
        case .sha256: return [2, 16, 840, 1, 101, 3, 4, 2, 1]
        case .sha384: return [2, 16, 840, 1, 101, 3, 4, 2, 2]
        case .sha512: return [2, 16, 840, 1, 101, 3, 4, 2, 3]
        }
    }

    public init?(oid: ASN1ObjectIdentifier) {
        guard let a = HashAlgorithm.allCases.first(where: { $0.oid == oid }) else { return nil }
        self = a
    }

    /// The same algorithm in the crypto facade.
    var facade: Crypto.Hash {
        switch self {
        case .sha1: return .sha1
        case .sha224: return .sha224
        case .sha256: return .sha256
        case .sha384: return .sha384
        case .sha512: return .sha512
        }
    }

    /// The digest of `data` (empty only if libcrypto itself fails, which no hash check passes).
    public func hash(_ data: [UInt8]) -> [UInt8] {
        (try? Crypto.hash(facade, data)) ?? []
    }
}
