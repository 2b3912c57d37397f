/// ISO/IEC 9796-2 digital signature scheme 1 with partial message recovery, as RSA active
/// authentication uses it (ICAO 9303-11 §6.1.2 and §6.1.3): the chip signs M = M1 || M2 with
/// M2 = the terminal's challenge; the message representative is
/// `6A || M1 || H(M1 || M2) || trailer`, as long as the modulus. The RSA operation itself is
/// libcrypto's (`Crypto.rsaRawPublic` / `rsaRawPrivate`); this is only the framing.
public enum ISO9796Scheme1 {
    /// Why a recovered representative does not verify.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case header(UInt8)
        case trailer([UInt8])
        case tooShort
        case hashMismatch

        public var description: String {
            switch self {
            case .header(let h): return "ISO 9796-2 header is \(String(h, radix: 16)), not 6A"
            case .trailer(let t): return "unknown ISO 9796-2 trailer \(t.map { String($0, radix: 16) }.joined())"
            case .tooShort: return "ISO 9796-2 representative too short"
            case .hashMismatch: return "the recovered hash does not cover M1 and the challenge"
            }
        }
    }

    /// The hash and trailer length a trailer names: `BC` is SHA-1 (implicit); `xx CC` names
    /// the hash by its ISO/IEC 10118-3 identifier (33 SHA-1, 34 SHA-256, 35 SHA-512,
    /// 36 SHA-384, 38 SHA-224).
    public static func hash(forTrailer f: [UInt8]) -> (hash: Crypto.Hash, trailerLength: Int)? {
        guard let last = f.last else { return nil }
        if last == 0xBC { return (.sha1, 1) }
        guard last == 0xCC, f.count >= 2 else { return nil }
        switch f[f.count - 2] {
        case 0x33: return (.sha1, 2)
        case 0x34: return (.sha256, 2)
        case 0x35: return (.sha512, 2)
        case 0x36: return (.sha384, 2)
        case 0x38: return (.sha224, 2)
        default: return nil
        }
    }

    static func trailer(for hash: Crypto.Hash, implicit: Bool) -> [UInt8] {
        if implicit && hash == .sha1 { return [0xBC] }
        switch hash {
        case .sha1: return [0x33, 0xCC]
        case .sha224: return [0x38, 0xCC]
        case .sha256: return [0x34, 0xCC]
        case .sha384: return [0x36, 0xCC]
        case .sha512: return [0x35, 0xCC]
        }
    }

    static func digestLength(_ hash: Crypto.Hash) -> Int {
        switch hash {
        case .sha1: return 20
        case .sha224: return 28
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// Checks a recovered representative F (the raw RSA public operation on the signature)
    /// against the challenge M2. Returns the recovered M1 on success.
    @discardableResult
    public static func verify(representative f: [UInt8], challenge m2: [UInt8]) throws(Failure) -> [UInt8] {
        guard let first = f.first else { throw .tooShort }
        guard first == 0x6A else { throw .header(first) }
        guard let (hash, trailerLength) = Self.hash(forTrailer: f) else { throw .trailer(Array(f.suffix(2))) }
        let digestLength = Self.digestLength(hash)
        guard f.count >= 1 + digestLength + trailerLength else { throw .tooShort }
        let hashEnd = f.count - trailerLength
        let m1 = Array(f[1..<(hashEnd - digestLength)])
        let recovered = Array(f[(hashEnd - digestLength)..<hashEnd])
        guard let expected = try? Crypto.hash(hash, m1 + m2), constantTimeEqual(expected, recovered) else {
            throw .hashMismatch
        }
        return m1
    }

    /// Builds the representative for a modulus of `length` bytes with M1 = `m1` (chip side;
    /// `m1` must be exactly `recoverableLength(...)` bytes).
    public static func representative(
        length: Int,
        hash: Crypto.Hash,
        implicitTrailer: Bool = true,
        m1: [UInt8],
        challenge m2: [UInt8]
    ) throws -> [UInt8] {
        let trailer = trailer(for: hash, implicit: implicitTrailer)
        guard m1.count == recoverableLength(modulusLength: length, hash: hash, implicitTrailer: implicitTrailer) else {
            throw Failure.tooShort
        }
        return [0x6A] + m1 + (try Crypto.hash(hash, m1 + m2)) + trailer
    }

    /// |M1| for a modulus of `modulusLength` bytes: the representative minus header, hash and trailer.
    public static func recoverableLength(modulusLength: Int, hash: Crypto.Hash, implicitTrailer: Bool = true) -> Int {
        modulusLength - 1 - digestLength(hash) - trailer(for: hash, implicit: implicitTrailer).count
    }
}
