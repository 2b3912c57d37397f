/// Object identifiers for chip and active authentication (ICAO 9303-11 §9.2.5, §9.2.6, §9.2.9)
/// and the public-key algorithms of DG14/DG15.
enum AuthenticationOIDs {
    static let caDH: [UInt] = SecurityInfoOIDs.ca + [1]  // id-CA-DH
    static let caECDH: [UInt] = SecurityInfoOIDs.ca + [2]  // id-CA-ECDH
    static let pkDH: [UInt] = SecurityInfoOIDs.pk + [1]  // id-PK-DH
    static let pkECDH: [UInt] = SecurityInfoOIDs.pk + [2]  // id-PK-ECDH

    static let ecPublicKey: [UInt] = [1, 2, 840, 10045, 2, 1]
    static let primeField: [UInt] = [1, 2, 840, 10045, 1, 1]
    static let rsaEncryption: [UInt] = [1, 2, 840, 113549, 1, 1, 1]
    static let dhPublicNumber: [UInt] = [1, 2, 840, 10046, 2, 1]
    static let pkcs3DH: [UInt] = [1, 2, 840, 113549, 1, 3, 1]

    /// ecdsa-plain-signatures (BSI TR-03111 §5.2.1), 0.4.0.127.0.7.1.1.4.1.
    static let ecdsaPlain: [UInt] = [0, 4, 0, 127, 0, 7, 1, 1, 4, 1]

    /// The hash an ECDSA AA signature algorithm names: ecdsa-plain-SHA* (TR-03111) or the
    /// X9.62 ecdsa-with-SHA* OIDs some chips list instead.
    static func ecdsaHash(_ dotted: String) -> Crypto.Hash? {
        let c = dotted.split(separator: ".").compactMap { UInt($0) }
        if c.count == ecdsaPlain.count + 1, Array(c.prefix(ecdsaPlain.count)) == ecdsaPlain {
            switch c.last {
            case 1: return .sha1
            case 2: return .sha224
            case 3: return .sha256
            case 4: return .sha384
            case 5: return .sha512
            default: return nil
            }
        }
        switch c {
        case [1, 2, 840, 10045, 4, 1]: return .sha1
        case [1, 2, 840, 10045, 4, 3, 1]: return .sha224
        case [1, 2, 840, 10045, 4, 3, 2]: return .sha256
        case [1, 2, 840, 10045, 4, 3, 3]: return .sha384
        case [1, 2, 840, 10045, 4, 3, 4]: return .sha512
        default: return nil
        }
    }

    /// The ecdsa-plain-SHA* OID for a hash (for the simulator's ActiveAuthenticationInfo).
    static func ecdsaPlainOID(_ hash: Crypto.Hash) -> [UInt] {
        switch hash {
        case .sha1: return ecdsaPlain + [1]
        case .sha224: return ecdsaPlain + [2]
        case .sha256: return ecdsaPlain + [3]
        case .sha384: return ecdsaPlain + [4]
        case .sha512: return ecdsaPlain + [5]
        }
    }

    /// The named-curve OID of an ICAO standardized parameter id.
    static func namedCurveOID(parameterId: Int) -> [UInt]? {
        SecurityInfoOIDs.namedCurves.first { $0.value == parameterId }?.key
    }
}
