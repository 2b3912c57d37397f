import CLibCrypto
import SwiftASN1

/// The hash algorithms ICAO 9303-11 §5 / 9303-12 allow for the LDS security object and
/// the SOD signature.
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case sha1 = "SHA-1", sha224 = "SHA-224", sha256 = "SHA-256", sha384 = "SHA-384", sha512 = "SHA-512"

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

    /// libcrypto's digest.
    var md: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha224: return EVP_sha224()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The digest of `data`.
    public func hash(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var n: UInt32 = 0
        let ok = data.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &out, &n, md, nil)
        }
        guard ok == 1 else { return [] }
        return Array(out.prefix(Int(n)))
    }
}
