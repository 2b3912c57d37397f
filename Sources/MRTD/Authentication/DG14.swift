import SmartCard

/// DG14: the chip's SecurityInfos for chip authentication and ECDSA active authentication
/// (ICAO 9303-11 §9.2; ICAO 9303-10 §4.7.14): `6E { SET OF SecurityInfo }`. Parsed with
/// `SecurityInfos`; malformed input throws.
public struct DG14: Sendable, Hashable {
    public let securityInfos: SecurityInfos

    public init(_ bytes: some Collection<UInt8>) throws(LDSError) {
        let file = try LDSError.decodeFile(bytes, tag: 0x6E)
        do { securityInfos = try SecurityInfos(derEncoded: file.value) } catch {
            throw .malformed("DG14 SecurityInfos: \(error)")
        }
    }

    public init(securityInfos: SecurityInfos) { self.securityInfos = securityInfos }

    /// The signature algorithm for ECDSA active authentication (ActiveAuthenticationInfo, §9.2.9).
    public var activeAuthenticationSignatureAlgorithm: String? {
        securityInfos.activeAuthenticationInfo?.signatureAlgorithmOID
    }

    /// DG14 bytes around SecurityInfos DER.
    public static func encode(securityInfos der: [UInt8]) -> [UInt8] {
        TLV(tag: 0x6E, value: der).encoded
    }

    /// DG14 as the simulated chip publishes it: ChipAuthenticationInfo
    /// (`id-CA-ECDH-<cipher>`, version 1), ChipAuthenticationPublicKeyInfo (`id-PK-ECDH`,
    /// the chip's static key) and, when AA uses ECDSA, ActiveAuthenticationInfo naming
    /// `ecdsa-plain-<hash>` (ICAO 9303-11 §9.2.5, §9.2.6, §9.2.9).
    public static func encode(
        chipAuthenticationCipher cipher: SecureMessagingCipher,
        curve: ECCurve,
        publicKey: [UInt8],
        keyId: Int? = nil,
        explicitParameters: Bool = false,
        activeAuthenticationHash: Crypto.Hash? = nil
    ) throws -> [UInt8] {
        func oid(_ c: [UInt]) throws -> TLV {
            TLV(tag: 0x06, value: try SecurityInfoOIDs.contentBytes(SecurityInfoOIDs.dotted(c)))
        }
        let id = keyId.map { [integer($0)] } ?? []
        var infos: [TLV] = [
            TLV(
                tag: 0x30,
                children: [try oid(chipAuthenticationOID(agreement: .ecdh, cipher: cipher)), integer(1)] + id
            ),
            TLV(
                tag: 0x30,
                value: try oid(AuthenticationOIDs.pkECDH).encoded
                    + curve.subjectPublicKeyInfo(publicKey: publicKey, explicitParameters: explicitParameters)
                    + id.flatMap(\.encoded)
            ),
        ]
        if let hash = activeAuthenticationHash {
            infos.append(
                TLV(
                    tag: 0x30,
                    children: [
                        try oid(SecurityInfoOIDs.aa), integer(1),
                        try oid(AuthenticationOIDs.ecdsaPlainOID(hash)),
                    ]
                )
            )
        }
        return encode(securityInfos: TLV(tag: 0x31, children: infos).encoded)
    }

    /// `id-CA-<DH|ECDH>-<cipher>` (§9.2.5).
    static func chipAuthenticationOID(
        agreement: ChipAuthenticator.KeyAgreement,
        cipher: SecureMessagingCipher
    ) -> [UInt] {
        let base = agreement == .ecdh ? AuthenticationOIDs.caECDH : AuthenticationOIDs.caDH
        switch cipher {
        case .tripleDES: return base + [1]
        case .aes128: return base + [2]
        case .aes192: return base + [3]
        case .aes256: return base + [4]
        }
    }

    static func integer(_ value: Int) -> TLV {
        var bytes: [UInt8] = []
        var v = value
        repeat {
            bytes.insert(UInt8(truncatingIfNeeded: v), at: 0)
            v >>= 8
        } while v > 0
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return TLV(tag: 0x02, value: bytes)
    }
}
