import SmartCard

/// Chip authentication, terminal side (ICAO 9303-11 §6.2; the verifier's check that weighs the
/// outcome is `ChipAuthentication` in Verification/): an ephemeral-static key agreement
/// with the chip's static key from DG14. Only a chip holding the private key derives the same
/// session keys, so a response MAC under the new keys proves the key (and replaces the
/// BAC/PACE session with a stronger one). ECDH on any standardized curve (NIST and brainpool,
/// named or explicit-but-known parameters) or DH (explicit X9.42/PKCS #3 groups of 1024 bits
/// and up), 3DES and AES.
///
/// - 3DES (`id-CA-*-3DES-CBC-CBC`): MSE:Set KAT `0022 41A6` with DO'91' (ephemeral key) and
///   DO'84' (key id, when DG14 gives one) (§6.2.3.1).
/// - AES: MSE:Set AT `0022 41A4` with DO'80' (the CA OID) and DO'84', then GENERAL
///   AUTHENTICATE `7C { 80 ephemeral key }` (§6.2.3.2).
/// Both go over the existing secure channel; the chip answers under the old keys and then
/// restarts secure messaging with KSenc/KSmac from the shared secret and SSC = 0.
public enum ChipAuthenticator {
    public enum KeyAgreement: Sendable, Hashable { case dh, ecdh }

    /// One chip-authentication variant DG14 offers, with the key it uses.
    public struct Parameters: Sendable, Hashable {
        /// `id-CA-<DH|ECDH>-<cipher>`; implied 3DES when DG14 has a key but no ChipAuthenticationInfo.
        public let protocolOID: String
        public let keyAgreement: KeyAgreement
        public let cipher: SecureMessagingCipher
        public let publicKey: ChipAuthenticationPublicKeyInfo
        /// The key reference for DO'84' (ChipAuthenticationInfo keyId, else the key's).
        public let keyId: Int?
    }

    /// What a run produced: the outcome, and the channel the read continues on.
    public struct Result: Sendable {
        public let outcome: AuthenticationOutcome
        /// The new session when CA passed; the old one when the chip refused before switching
        /// keys or CA was not run; nil when the session is lost (the chip switched to keys we
        /// could not derive): the caller must open the chip again to read on.
        public let channel: SecureMessagingChannel?
    }

    /// The first command under the new keys: READ BINARY of one byte of DG14 by SFI, a file
    /// just read, so any answer with a valid MAC proves the chip derived the same keys.
    public static let probeCommand = CommandAPDU.readBinary(sfi: DataGroupID.dg14.shortFileID, ne: 1)

    /// The variant to run from DG14, or nil when DG14 offers no chip authentication (→
    /// `notSupported`). ChipAuthenticationInfo keyId pairs an info with its key (§9.2.5). When
    /// DG14 has keys but no ChipAuthenticationInfo, the ones EF.CardAccess lists are used (the
    /// CCCD lists CA-ECDH-AES-CBC-CMAC-128 there, docs/design.md §4); with none anywhere, a lone
    /// key implies the 3DES variant.
    public static func parameters(in dg14: DG14, cardAccess: SecurityInfos? = nil) -> Parameters? {
        let keys = dg14.securityInfos.chipAuthenticationPublicKeys
        func keyAgreement(of key: ChipAuthenticationPublicKeyInfo) -> KeyAgreement? {
            switch key.protocolOID {
            case SecurityInfoOIDs.dotted(AuthenticationOIDs.pkECDH): return .ecdh
            case SecurityInfoOIDs.dotted(AuthenticationOIDs.pkDH): return .dh
            default: return nil
            }
        }
        var infos = dg14.securityInfos.chipAuthenticationInfos
        if infos.isEmpty { infos = cardAccess?.chipAuthenticationInfos ?? [] }
        for info in infos {
            guard let (agreement, cipher) = variant(info.protocolOID) else { continue }
            let key =
                info.keyId.map { id in keys.first { $0.keyId == id } }
                ?? keys.first { keyAgreement(of: $0) == agreement }
            guard let key, keyAgreement(of: key) == agreement else { continue }
            return Parameters(
                protocolOID: info.protocolOID,
                keyAgreement: agreement,
                cipher: cipher,
                publicKey: key,
                keyId: info.keyId ?? key.keyId
            )
        }
        if infos.isEmpty, let key = keys.first, let agreement = keyAgreement(of: key) {
            let oid = SecurityInfoOIDs.dotted(DG14.chipAuthenticationOID(agreement: agreement, cipher: .tripleDES))
            return Parameters(
                protocolOID: oid,
                keyAgreement: agreement,
                cipher: .tripleDES,
                publicKey: key,
                keyId: key.keyId
            )
        }
        return nil
    }

    /// Key agreement and cipher of an `id-CA-*` OID.
    static func variant(_ dotted: String) -> (KeyAgreement, SecureMessagingCipher)? {
        let c = dotted.split(separator: ".").compactMap { UInt($0) }
        guard c.count == AuthenticationOIDs.caECDH.count + 1 else { return nil }
        let agreement: KeyAgreement
        switch Array(c.dropLast()) {
        case AuthenticationOIDs.caECDH: agreement = .ecdh
        case AuthenticationOIDs.caDH: agreement = .dh
        default: return nil
        }
        switch c.last {
        case 1: return (agreement, .tripleDES)
        case 2: return (agreement, .aes128)
        case 3: return (agreement, .aes192)
        case 4: return (agreement, .aes256)
        default: return nil
        }
    }

    /// Runs chip authentication over an open secure channel. Throws only what the channel
    /// throws before the key switch (transport, secure messaging); every protocol result is
    /// an outcome.
    ///
    /// - Parameter ephemeralPrivateKey: injectable for replaying a vector; random otherwise.
    ///
    /// - Parameter confirm: send the 1-byte probe under the new keys before answering. A
    ///   reader with more to read passes `false` and lets its next command confirm (a bad MAC
    ///   on it means the chip does not hold the key): one APDU less per read.
    public static func run(
        over channel: SecureMessagingChannel,
        dg14: DG14,
        cardAccess: SecurityInfos? = nil,
        ephemeralPrivateKey: [UInt8]? = nil,
        confirm: Bool = true
    ) async throws -> Result {
        guard let parameters = parameters(in: dg14, cardAccess: cardAccess) else {
            return Result(outcome: .notSupported, channel: channel)
        }
        return try await run(
            over: channel,
            parameters: parameters,
            ephemeralPrivateKey: ephemeralPrivateKey,
            confirm: confirm
        )
    }

    public static func run(
        over channel: SecureMessagingChannel,
        parameters: Parameters,
        ephemeralPrivateKey: [UInt8]? = nil,
        confirm: Bool = true
    ) async throws -> Result {
        func keep(_ outcome: AuthenticationOutcome) -> Result { Result(outcome: outcome, channel: channel) }
        let key = parameters.publicKey
        let cipher = parameters.cipher
        let ephemeralPublic: [UInt8]
        let keys: SessionKeys
        do {
            switch parameters.keyAgreement {
            case .ecdh:
                guard
                    let curve = ECCurve.from(algorithmParameters: key.algorithmParameters)
                        ?? key.parameterId.flatMap({ try? ECCurve(parameterId: $0) })
                else {
                    return keep(.notPerformed("DG14 chip authentication key on unknown domain parameters"))
                }
                guard curve.isValidPoint(key.publicKey) else {
                    return keep(.failed("the DG14 chip authentication key is not a point on \(curve.name)"))
                }
                let secret = try ephemeralPrivateKey ?? curve.generatePrivateKey()
                ephemeralPublic = try curve.multiplyGenerator(by: secret)
                keys = try SessionKeys(
                    cipher: cipher,
                    sharedSecret: curve.sharedSecret(privateKey: secret, peerPublicKey: key.publicKey)
                )
            case .dh:
                guard let group = DHGroup(algorithmOID: key.algorithmOID, parameters: key.algorithmParameters) else {
                    return keep(.notPerformed("DG14 DH key with standardized, unknown or weak domain parameters"))
                }
                guard let y = group.publicValue(key.publicKey) else {
                    return keep(.failed("the DG14 chip authentication DH key is not in the group"))
                }
                let secret = try ephemeralPrivateKey ?? group.generateKeyPair().privateKey
                ephemeralPublic = try group.publicKey(secret)
                keys = try SessionKeys(
                    cipher: cipher,
                    sharedSecret: group.sharedSecret(privateKey: secret, peerPublicKey: y)
                )
            }
        } catch {
            return keep(.notPerformed("key agreement: \(error)"))
        }
        let keyReference = parameters.keyId.map { TLV(tag: 0x84, value: minimalBytes($0)).encoded } ?? []

        if cipher == .tripleDES {
            let kat = CommandAPDU(
                .manageSecurityEnvironment,
                p1: 0x41,
                p2: 0xA6,
                data: TLV(tag: 0x91, value: ephemeralPublic).encoded + keyReference
            )
            let r = try await channel.transmit(kat)
            guard r.status.isSuccess else { return keep(.failed("the chip refused MSE:Set KAT (\(r.status))")) }
        } else {
            let oid = try SecurityInfoOIDs.contentBytes(parameters.protocolOID)
            let mse = CommandAPDU(
                .manageSecurityEnvironment,
                p1: 0x41,
                p2: 0xA4,
                data: TLV(tag: 0x80, value: oid).encoded + keyReference
            )
            let r = try await channel.transmit(mse)
            guard r.status.isSuccess else { return keep(.failed("the chip refused MSE:Set AT (\(r.status))")) }
            let ga = CommandAPDU(
                .generalAuthenticate,
                data: TLV(tag: 0x7C, children: [TLV(tag: 0x80, value: ephemeralPublic)]).encoded,
                ne: 256
            )
            let g = try await channel.transmit(ga)
            guard g.status.isSuccess else {
                return keep(.failed("the chip refused GENERAL AUTHENTICATE (\(g.status))"))
            }
        }

        // The chip now speaks under the new keys with SSC 0 (§6.2.3, §9.8.2).
        let next = SecureMessagingChannel(wrapping: channel.base, keys: keys)
        guard confirm else { return Result(outcome: .passed, channel: next) }
        do {
            _ = try await next.transmit(probeCommand)
        } catch let error as SecureMessagingError {
            accessLogger.info("chip authentication failed", metadata: ["protocol": "\(cipher)", "error": "\(error)"])
            return Result(
                outcome: .failed(
                    "the chip did not answer under the keys agreed with the DG14 key (\(error)): it does not hold that private key"
                ),
                channel: nil
            )
        }
        accessLogger.debug(
            "chip authentication passed",
            metadata: ["agreement": "\(parameters.keyAgreement)", "cipher": "\(cipher)"]
        )
        return Result(outcome: .passed, channel: next)
    }

    static func minimalBytes(_ value: Int) -> [UInt8] {
        var out: [UInt8] = []
        var v = value
        repeat {
            out.insert(UInt8(truncatingIfNeeded: v), at: 0)
            v >>= 8
        } while v > 0
        return out
    }
}

extension ChipAuthenticator {
    /// `id-CA-<DH|ECDH>-<cipher>` in dotted form (ICAO 9303-11 §9.2.5).
    public static func protocolOID(keyAgreement: KeyAgreement, cipher: SecureMessagingCipher) -> String {
        SecurityInfoOIDs.dotted(DG14.chipAuthenticationOID(agreement: keyAgreement, cipher: cipher))
    }

    /// The DER content bytes of a CA protocol OID: the value of MSE:Set AT's DO'80'.
    public static func mechanismReference(protocolOID: String) throws -> [UInt8] {
        try SecurityInfoOIDs.contentBytes(protocolOID)
    }
}
