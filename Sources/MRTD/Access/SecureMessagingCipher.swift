/// The block cipher of a secure-messaging session (ICAO 9303-11 §9.8): 3DES (BAC, PACE-*-3DES)
/// or AES with a 128/192/256-bit key (PACE/CA-*-AES-CBC-CMAC-*).
public enum SecureMessagingCipher: Sendable, Hashable, CustomStringConvertible {
    case tripleDES
    case aes128, aes192, aes256

    /// Cipher block size: also the SSC length (8 for 3DES, 16 for AES).
    public var blockSize: Int { self == .tripleDES ? 8 : 16 }

    /// Session key length in bytes (two-key 3DES is 16).
    public var keyLength: Int {
        switch self {
        case .tripleDES, .aes128: return 16
        case .aes192: return 24
        case .aes256: return 32
        }
    }

    /// Most plaintext bytes one short-APDU READ BINARY can return under this cipher: the
    /// protected response (DO87 + DO99 + DO8E) must fit 256 bytes (docs/design.md §5): 223 for AES,
    /// 231 for 3DES.
    public var maxShortReadLength: Int { self == .tripleDES ? 231 : 223 }

    public var description: String {
        switch self {
        case .tripleDES: return "3DES"
        case .aes128: return "AES-128"
        case .aes192: return "AES-192"
        case .aes256: return "AES-256"
        }
    }
}
