import SmartCard

/// PACE with the generic mapping over elliptic curves (ICAO 9303-11 §4.4, worked example in
/// Appendix G.1): the access protocol the CCCD offers (PACE-ECDH-GM-AES-CBC-CMAC-128,
/// brainpoolP256r1). 3DES and AES-128/192/256 ciphers, every standardized curve 8–18.
public enum PACE {
    /// Terminal private keys, injectable so Appendix G.1 can be replayed byte for byte.
    public struct EphemeralKeys: Sendable {
        /// SK_map,IFD for the mapping step (§4.4.3.3.1).
        public var mappingPrivateKey: [UInt8]
        /// SK_IFD for the key agreement on the mapped generator (§4.4.3.3.2).
        public var agreementPrivateKey: [UInt8]
        public init(mappingPrivateKey: [UInt8], agreementPrivateKey: [UInt8]) {
            self.mappingPrivateKey = mappingPrivateKey
            self.agreementPrivateKey = agreementPrivateKey
        }
    }

    /// K_π = KDF(π, 3) (§9.7.3): π is the CAN as its digit bytes, or SHA-1 of the MRZ information.
    public static func passwordKey(_ key: AccessKey, cipher: SecureMessagingCipher) throws -> [UInt8] {
        let password: [UInt8]
        switch key {
        case .can(let can):
            password = Array(can.utf8)
        case .mrz:
            guard let mrz = key.mrzInformation else {
                throw AccessError.unsupported("MRZ key fields are not valid MRZ characters")
            }
            password = try Crypto.hash(.sha1, Array(mrz.utf8))
        }
        return try KeyDerivation.derive(password, counter: .password, cipher: cipher)
    }

    /// The nonce cipher: E/D(K_π, ·) in CBC mode with a zero IV (§4.4.3.3).
    public static func cryptNonce(
        encrypt: Bool,
        key: [UInt8],
        cipher: SecureMessagingCipher,
        _ data: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        cipher == .tripleDES
            ? try Crypto.tripleDES(encrypt: encrypt, key: key, data)
            : try Crypto.aesCBC(encrypt: encrypt, key: key, data)
    }

    /// Generic mapping (§4.4.3.3.1): G̃ = s·G + H, with H the ECDH point of the mapping keys.
    public static func mappedGenerator(
        curve: ECCurve,
        nonce: [UInt8],
        sharedPoint: [UInt8]
    ) throws(CryptoError) -> [UInt8] {
        try curve.add(try curve.multiplyGenerator(by: nonce), sharedPoint)
    }

    /// The authentication token (§4.4.3.4): MAC(KSmac, 7F49 { 06 OID, 86 peer's public point }),
    /// 8 bytes: CMAC for AES, retail MAC for 3DES.
    public static func authenticationToken(keys: SessionKeys, protocolOID: String, publicKey: [UInt8]) throws -> [UInt8]
    {
        let oid = try SecurityInfoOIDs.contentBytes(protocolOID)
        let data = TLV(tag: 0x7F49, children: [TLV(tag: 0x06, value: oid), TLV(tag: 0x86, value: publicKey)]).encoded
        switch keys.cipher {
        case .tripleDES: return try Crypto.retailMAC(key: keys.mac, data)
        case .aes128, .aes192, .aes256: return Array(try Crypto.aesCMAC(key: keys.mac, data).prefix(8))
        }
    }

    /// Runs MSE:Set AT and the four GENERAL AUTHENTICATE steps, returning a secure channel
    /// with SSC 0. Wrong password → `AccessError.wrongKey`; anything else going wrong →
    /// `.protocolFailure`; a variant we do not implement → `.unsupported`.
    ///
    /// - Parameter sendParameterId: include DO'84' (the standardized parameter id) in MSE:Set AT;
    ///   the chip knows it from EF.CardAccess, but several sources send it.
    public static func establish(
        over channel: some CardChannel,
        key: AccessKey,
        info: PACEInfo,
        ephemeralKeys: EphemeralKeys? = nil,
        sendParameterId: Bool = true
    ) async throws -> SecureMessagingChannel {
        guard info.mapping == .generic, info.keyAgreement == .ecdh, let cipher = info.cipher else {
            throw AccessError.unsupported("only PACE-ECDH-GM is implemented (\(info))")
        }
        guard let parameterId = info.parameterId else {
            throw AccessError.unsupported("PACE with explicit domain parameters")
        }
        let curve: ECCurve
        do { curve = try ECCurve(parameterId: parameterId) } catch {
            throw AccessError.unsupported("PACE domain parameter id \(parameterId)")
        }
        let oid = try SecurityInfoOIDs.contentBytes(info.protocolOID)
        let kPi = try passwordKey(key, cipher: cipher)

        // MSE:Set AT (§4.4.4.1)
        var mse = TLV(tag: 0x80, value: oid).encoded + TLV(tag: 0x83, value: [key.pacePasswordReference]).encoded
        if sendParameterId, parameterId <= 0xFF { mse += TLV(tag: 0x84, value: [UInt8(parameterId)]).encoded }
        let mseResponse = try await channel.transmit(
            CommandAPDU(.manageSecurityEnvironment, p1: 0xC1, p2: 0xA4, data: mse)
        )
        let sw = mseResponse.status
        if sw == .insNotSupported || sw == .functionNotSupported {
            throw AccessError.unsupported("the chip does not offer PACE (\(sw))")
        }
        guard sw.isSuccess || (sw.sw1 == 0x63 && sw.sw2 & 0xF0 == 0xC0 && sw.sw2 != 0xC0) else {
            throw AccessError.protocolFailure(step: "MSE:Set AT", reason: "card answered \(sw)")
        }

        do {
            // 1. Encrypted nonce
            let z = try await generalAuthenticate(channel, [], last: false, expect: 0x80, step: "GA nonce")
            guard !z.isEmpty, z.count % cipher.blockSize == 0 else {
                throw AccessError.protocolFailure(step: "GA nonce", reason: "nonce length")
            }
            let s = try cryptNonce(encrypt: false, key: kPi, cipher: cipher, z)

            // 2. Mapping
            let mapKey = try ephemeralKeys?.mappingPrivateKey ?? curve.generatePrivateKey()
            let mapPublic = try curve.multiplyGenerator(by: mapKey)
            let chipMapPublic = try await generalAuthenticate(
                channel,
                TLV(tag: 0x81, value: mapPublic).encoded,
                last: false,
                expect: 0x82,
                step: "GA map"
            )
            guard curve.isValidPoint(chipMapPublic), chipMapPublic != mapPublic else {
                throw AccessError.protocolFailure(step: "GA map", reason: "chip mapping key is not a valid point")
            }
            let h = try curve.multiply(chipMapPublic, by: mapKey)
            let generator = try mappedGenerator(curve: curve, nonce: s, sharedPoint: h)

            // 3. Key agreement on the mapped generator
            let ephemeralKey = try ephemeralKeys?.agreementPrivateKey ?? curve.generatePrivateKey()
            let ephemeralPublic = try curve.multiply(generator, by: ephemeralKey)
            let chipPublic = try await generalAuthenticate(
                channel,
                TLV(tag: 0x83, value: ephemeralPublic).encoded,
                last: false,
                expect: 0x84,
                step: "GA key agreement"
            )
            guard curve.isValidPoint(chipPublic), chipPublic != ephemeralPublic else {
                throw AccessError.protocolFailure(step: "GA key agreement", reason: "chip ephemeral key is not valid")
            }
            let shared = try curve.sharedSecret(privateKey: ephemeralKey, peerPublicKey: chipPublic)
            let keys = try SessionKeys(cipher: cipher, sharedSecret: shared)

            // 4. Mutual authentication
            let token = try authenticationToken(keys: keys, protocolOID: info.protocolOID, publicKey: chipPublic)
            let chipToken = try await generalAuthenticate(
                channel,
                TLV(tag: 0x85, value: token).encoded,
                last: true,
                expect: 0x86,
                step: "GA mutual authentication"
            )
            let expected = try authenticationToken(
                keys: keys,
                protocolOID: info.protocolOID,
                publicKey: ephemeralPublic
            )
            guard constantTimeEqual(expected, chipToken) else { throw AccessError.wrongKey }
            accessLogger.debug("PACE established", metadata: ["protocol": "\(info)", "curve": "\(curve.name)"])
            return SecureMessagingChannel(wrapping: channel, keys: keys)
        } catch let error as AccessError {
            throw error
        } catch let error as CryptoError {
            throw AccessError.protocolFailure(step: "PACE", reason: "\(error)")
        }
    }

    /// GENERAL AUTHENTICATE (§4.4.4.2): `7C` dynamic authentication data in and out; command
    /// chaining (CLA 10) on every step but the last.
    private static func generalAuthenticate(
        _ channel: some CardChannel,
        _ content: [UInt8],
        last: Bool,
        expect tag: TLVTag,
        step: String
    ) async throws -> [UInt8] {
        let command = CommandAPDU(
            cla: last ? 0x00 : 0x10,
            .generalAuthenticate,
            data: TLV(tag: 0x7C, value: content).encoded,
            ne: 256
        )
        let response = try await channel.transmit(command)
        if last, response.status.sw1 == 0x63 || response.status == .securityStatusNotSatisfied {
            throw AccessError.wrongKey
        }
        guard response.status.isSuccess else {
            throw AccessError.protocolFailure(step: step, reason: "card answered \(response.status)")
        }
        do {
            let outer = try TLV.decode(response.data)
            guard outer.tag == 0x7C else { throw TLVError.missingTag(0x7C) }
            return try outer.require(tag).value
        } catch {
            throw AccessError.protocolFailure(step: step, reason: "malformed dynamic authentication data")
        }
    }
}

extension PACE {
    /// The DER content bytes of the PACE protocol OID (the value of MSE:Set AT's DO'80').
    public static func authenticationOIDBytes(_ info: PACEInfo) throws -> [UInt8] {
        try SecurityInfoOIDs.contentBytes(info.protocolOID)
    }
}

extension PACE {
    /// Whether this implementation can run a PACEInfo: ECDH generic mapping on a standardized curve.
    public static func supports(_ info: PACEInfo) -> Bool {
        info.mapping == .generic && info.keyAgreement == .ecdh && info.cipher != nil
            && info.parameterId.map { ECCurve.supportedParameterIds.contains($0) } == true
    }

    /// The PACEInfo to run from EF.CardAccess: the first one we support, preferring the stronger
    /// cipher when a chip offers several (ICAO 9303-11 §4.4.1 leaves the choice to the terminal).
    /// Nil means PACE is not possible and BAC is the fallback.
    public static func preferredInfo(in infos: SecurityInfos) -> PACEInfo? {
        func rank(_ c: SecureMessagingCipher?) -> Int {
            switch c {
            case .aes256: return 4
            case .aes192: return 3
            case .aes128: return 2
            case .tripleDES: return 1
            case nil: return 0
            }
        }
        return infos.paceInfos.filter(supports).max { rank($0.cipher) < rank($1.cipher) }
    }
}
