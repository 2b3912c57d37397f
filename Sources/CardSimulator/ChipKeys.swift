import MRTD

/// The simulated chip's own keys for chip authentication (ICAO 9303-11 §6.2) and active
/// authentication (§6.1), with the DG14 and DG15 files that publish them. `SecureChip` uses the
/// private halves; the file set carries `dg14`/`dg15` (and the SOD hashes them). Private keys
/// are never printed: `description` names algorithms only.
public struct ChipKeys: Sendable, CustomStringConvertible, CustomReflectable {
    public enum ActiveAuthenticationAlgorithm: String, Sendable, CaseIterable {
        /// ECDSA on secp256r1 with SHA-256, plain signatures (§6.1.3).
        case ecdsaP256
        /// RSA-2048 with ISO/IEC 9796-2 scheme 1 and SHA-1 (trailer `BC`) (§6.1.2).
        case rsa2048
    }

    /// Forgeries for `cancuoc sim --fault`: a data group that publishes a key the chip does
    /// not hold, as a cloned chip with copied files would.
    public enum Forgery: String, Sendable, CaseIterable {
        /// DG14 holds a CA key that is not the chip's: the chip derives other session keys and
        /// the first MAC after chip authentication fails.
        case dg14WrongKey = "dg14-wrong-key"
        /// DG15 holds an AA key that is not the chip's: the signature does not verify.
        case dg15WrongKey = "dg15-wrong-key"
    }

    /// ICAO standardized domain parameter id of the CA key (13 = brainpoolP256r1).
    public let caParameterId: Int
    public let caCipher: SecureMessagingCipher
    /// The chip's static CA public key (uncompressed point).
    public let caPublicKey: [UInt8]
    let caPrivateKey: [UInt8]
    public let aaAlgorithm: ActiveAuthenticationAlgorithm
    /// The chip's AA public key, a SubjectPublicKeyInfo.
    public let aaPublicKey: [UInt8]
    let aaPrivateKey: [UInt8]
    /// RSA modulus bytes (the signature length), 0 for ECDSA.
    let aaModulusLength: Int
    /// DG14 and DG15 as the chip's file set carries them.
    public private(set) var dg14: [UInt8]
    public private(set) var dg15: [UInt8]

    /// The hash of ECDSA AA signatures, named in DG14's ActiveAuthenticationInfo.
    static let ecdsaHash: Crypto.Hash = .sha256

    /// Fresh keys: CA-ECDH on `caParameterId` with `caCipher` (by default what the CCCD lists:
    /// brainpoolP256r1, CA-ECDH-AES-CBC-CMAC-128), AA with `aa`.
    public static func generate(
        aa: ActiveAuthenticationAlgorithm = .ecdsaP256,
        caParameterId: Int = 13,
        caCipher: SecureMessagingCipher = .aes128,
        explicitParameters: Bool = false
    ) throws -> ChipKeys {
        let curve = try ECCurve(parameterId: caParameterId)
        let ca = try curve.generateKeyPair()
        let aaKey = try generateAAKey(aa)
        let modulusLength: Int
        if case .rsa(let bits) = try DG15(DG15.encode(publicKey: aaKey.subjectPublicKeyInfo)).algorithm {
            modulusLength = (bits + 7) / 8
        } else {
            modulusLength = 0
        }
        let dg14 = try DG14.encode(
            chipAuthenticationCipher: caCipher,
            curve: curve,
            publicKey: ca.publicKey,
            explicitParameters: explicitParameters,
            activeAuthenticationHash: aa == .ecdsaP256 ? ecdsaHash : nil
        )
        return ChipKeys(
            caParameterId: caParameterId,
            caCipher: caCipher,
            caPublicKey: ca.publicKey,
            caPrivateKey: ca.privateKey,
            aaAlgorithm: aa,
            aaPublicKey: aaKey.subjectPublicKeyInfo,
            aaPrivateKey: aaKey.privateKey,
            aaModulusLength: modulusLength,
            dg14: dg14,
            dg15: DG15.encode(publicKey: aaKey.subjectPublicKeyInfo)
        )
    }

    /// The same chip with one data group publishing a key of the same kind that it does not hold.
    public func forged(_ forgery: Forgery) throws -> ChipKeys {
        var copy = self
        switch forgery {
        case .dg14WrongKey:
            let curve = try ECCurve(parameterId: caParameterId)
            copy.dg14 = try DG14.encode(
                chipAuthenticationCipher: caCipher,
                curve: curve,
                publicKey: try curve.generateKeyPair().publicKey,
                activeAuthenticationHash: aaAlgorithm == .ecdsaP256 ? Self.ecdsaHash : nil
            )
        case .dg15WrongKey:
            copy.dg15 = DG15.encode(publicKey: try Self.generateAAKey(aaAlgorithm).subjectPublicKeyInfo)
        }
        return copy
    }

    private static func generateAAKey(
        _ algorithm: ActiveAuthenticationAlgorithm
    ) throws -> (privateKey: [UInt8], subjectPublicKeyInfo: [UInt8]) {
        switch algorithm {
        case .ecdsaP256: return try Crypto.generateECKeyPair(parameterId: 12)
        case .rsa2048: return try Crypto.generateRSAKeyPair(bits: 2048)
        }
    }

    public var description: String {
        let curve = (try? ECCurve(parameterId: caParameterId))?.name ?? "curve \(caParameterId)"
        return "ChipKeys(CA-ECDH \(curve) \(caCipher), AA \(aaAlgorithm.rawValue))"
    }

    /// `dump` shows the description only, never the private keys.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

extension CitizenProfile {
    /// EF.COM, DG1, DG2, DG13 (`files()`) plus DG14 and DG15 from the chip's keys.
    public func files(chipKeys: ChipKeys) throws(LoadError) -> [DataGroupID: [UInt8]] {
        var all = try files()
        all[.dg14] = chipKeys.dg14
        all[.dg15] = chipKeys.dg15
        return all
    }
}
