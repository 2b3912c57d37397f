/// The Document Signer / CSCA key types the test PKI issues (ICAO 9303-12 §7.1 allows
/// RSA PKCS#1 v1.5, RSA-PSS and ECDSA on NIST and brainpool curves).
public enum SignatureScheme: String, Sendable, Hashable, CaseIterable, Codable {
    case rsaPKCS1 = "rsa-pkcs1"
    case rsaPSS = "rsa-pss"
    case ecdsaP256 = "ecdsa-p256"
    case ecdsaBrainpoolP256r1 = "ecdsa-brainpoolP256r1"
    case ecdsaP384 = "ecdsa-p384"
    case ecdsaBrainpoolP384r1 = "ecdsa-brainpoolP384r1"

    var isRSA: Bool { self == .rsaPKCS1 || self == .rsaPSS }

    /// The curve name libcrypto knows, for ECDSA.
    var curve: String? {
        switch self {
        case .ecdsaP256: return "P-256"
        case .ecdsaBrainpoolP256r1: return "brainpoolP256r1"
        case .ecdsaP384: return "P-384"
        case .ecdsaBrainpoolP384r1: return "brainpoolP384r1"
        default: return nil
        }
    }
}
