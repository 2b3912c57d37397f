import SmartCard

/// The data-object level of secure messaging (ICAO 9303-11 §9.8.4–§9.8.6), both directions,
/// as pure functions of the session keys and an already incremented SSC. The terminal's
/// `SecureMessagingChannel` and the simulated chip share it, so the two sides cannot drift.
///
/// Command: `CLA|0C INS P1 P2 Lc [DO'87'|DO'85'] [DO'97'] DO'8E' Le`, where DO'87' is
/// `01 || E(KSenc, pad(data))` (DO'85' without the `01` for odd INS), DO'97' the plain Le and
/// DO'8E' the first 8 bytes of MAC(KSmac, pad(SSC || pad(header) || DOs)).
/// Response: `[DO'87'] DO'99' DO'8E' SW`.
public struct SecureMessagingCodec: Sendable {
    public let keys: SessionKeys

    public init(keys: SessionKeys) { self.keys = keys }

    public var cipher: SecureMessagingCipher { keys.cipher }

    // MARK: Primitives

    /// MAC over SSC || message: retail MAC for 3DES (pads itself), AES-CMAC over the padded
    /// input, truncated to 8 bytes (§9.8.6.1 / §9.8.6.2).
    public func mac(ssc: [UInt8], _ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let input = ssc + message
        switch keys.cipher {
        case .tripleDES:
            return try Crypto.retailMAC(key: keys.mac, input)
        case .aes128, .aes192, .aes256:
            return Array(try Crypto.aesCMAC(key: keys.mac, Crypto.pad(input, blockSize: 16)).prefix(8))
        }
    }

    /// E(KSenc, pad(data)); the AES IV is E(KSenc, SSC), 3DES uses a zero IV (§9.8.6.1).
    public func encrypt(ssc: [UInt8], _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        let padded = Crypto.pad(data, blockSize: keys.cipher.blockSize)
        switch keys.cipher {
        case .tripleDES:
            return try Crypto.tripleDES(encrypt: true, key: keys.encryption, padded)
        case .aes128, .aes192, .aes256:
            let iv = try Crypto.aesECB(encrypt: true, key: keys.encryption, ssc)
            return try Crypto.aesCBC(encrypt: true, key: keys.encryption, iv: iv, padded)
        }
    }

    /// Inverse of `encrypt`, padding removed.
    public func decrypt(ssc: [UInt8], _ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        let plain: [UInt8]
        switch keys.cipher {
        case .tripleDES:
            plain = try Crypto.tripleDES(encrypt: false, key: keys.encryption, data)
        case .aes128, .aes192, .aes256:
            let iv = try Crypto.aesECB(encrypt: true, key: keys.encryption, ssc)
            plain = try Crypto.aesCBC(encrypt: false, key: keys.encryption, iv: iv, data)
        }
        return try Crypto.unpad(plain)
    }

    // MARK: Terminal side

    /// Protects a plain command. `ssc` is the counter already incremented for this command.
    /// The result is extended-length when the plain command needs it or the DOs exceed 255 bytes.
    public func protect(_ command: CommandAPDU, ssc: [UInt8]) throws -> CommandAPDU {
        let cla = command.cla | 0x0C
        var dos: [UInt8] = []
        if !command.data.isEmpty {
            let encrypted = try encrypt(ssc: ssc, command.data)
            if command.ins & 1 == 1 {
                dos += TLV(tag: 0x85, value: encrypted).encoded
            } else {
                dos += TLV(tag: 0x87, value: [0x01] + encrypted).encoded
            }
        }
        if let ne = command.ne {
            let le: [UInt8]
            if ne <= CommandAPDU.maxShortNe {
                le = [ne == CommandAPDU.maxShortNe ? 0 : UInt8(ne)]
            } else {
                let v = ne == CommandAPDU.maxExtendedNe ? 0 : ne
                le = [UInt8(v >> 8), UInt8(v & 0xFF)]
            }
            dos += TLV(tag: 0x97, value: le).encoded
        }
        let header = Crypto.pad([cla, command.ins, command.p1, command.p2], blockSize: keys.cipher.blockSize)
        let tag = try mac(ssc: ssc, header + dos)
        dos += TLV(tag: 0x8E, value: tag).encoded
        let extended = command.requiresExtendedLength || dos.count > CommandAPDU.maxShortNc
        guard dos.count <= CommandAPDU.maxExtendedNc else {
            throw SecureMessagingError.malformed("protected command too long")
        }
        return CommandAPDU(
            cla: cla,
            ins: command.ins,
            p1: command.p1,
            p2: command.p2,
            data: dos,
            ne: extended ? CommandAPDU.maxExtendedNe : CommandAPDU.maxShortNe
        )
    }

    /// Verifies and decrypts a protected response. `ssc` is the counter already incremented
    /// for this response. A response without data objects is returned unchanged (the caller
    /// decides what a plain status means); any DO'8E' failure throws `badMAC`.
    public func unprotect(_ response: ResponseAPDU, ssc: [UInt8]) throws -> ResponseAPDU {
        var data: [UInt8] = []
        var status = response.status
        for object in try verifiedObjects(response.data, of: "response", header: [], ssc: ssc) {
            switch object.tag {
            case 0x87, 0x85:
                data = try decryptedData(object, ssc: ssc)
            case 0x81:
                data = object.value
            case 0x99:
                guard object.value.count == 2 else { throw SecureMessagingError.malformed("DO'99' length") }
                status = StatusWord(sw1: object.value[0], sw2: object.value[1])
            default:
                throw SecureMessagingError.malformed("unexpected DO'\(object.tag)'")
            }
        }
        return ResponseAPDU(data: data, status: status)
    }

    // MARK: Chip side

    /// Chip side: verifies and decrypts a protected command (`ssc` already incremented).
    public func unprotect(_ command: CommandAPDU, ssc: [UInt8]) throws -> CommandAPDU {
        guard command.cla & 0x0C == 0x0C else { throw SecureMessagingError.missingMAC }
        let header = Crypto.pad([command.cla, command.ins, command.p1, command.p2], blockSize: keys.cipher.blockSize)
        var data: [UInt8] = []
        var ne: Int?
        for object in try verifiedObjects(command.data, of: "command", header: header, ssc: ssc) {
            switch object.tag {
            case 0x87, 0x85:
                data = try decryptedData(object, ssc: ssc)
            case 0x97:
                switch object.value.count {
                case 1: ne = object.value[0] == 0 ? 256 : Int(object.value[0])
                case 2:
                    let v = Int(object.value[0]) << 8 | Int(object.value[1])
                    ne = v == 0 ? 65536 : v
                default: throw SecureMessagingError.malformed("DO'97' length")
                }
            default:
                throw SecureMessagingError.malformed("unexpected DO'\(object.tag)'")
            }
        }
        guard data.count <= CommandAPDU.maxExtendedNc else { throw SecureMessagingError.malformed("data too long") }
        return CommandAPDU(
            cla: command.cla & ~0x0C,
            ins: command.ins,
            p1: command.p1,
            p2: command.p2,
            data: data,
            ne: ne
        )
    }

    /// Chip side: wraps a plain response as `[DO'87'] DO'99' DO'8E' SW` (`ssc` already incremented).
    public func protect(_ response: ResponseAPDU, ssc: [UInt8]) throws -> ResponseAPDU {
        var dos: [UInt8] = []
        if !response.data.isEmpty {
            dos += TLV(tag: 0x87, value: [0x01] + (try encrypt(ssc: ssc, response.data))).encoded
        }
        dos += TLV(tag: 0x99, value: [response.status.sw1, response.status.sw2]).encoded
        dos += TLV(tag: 0x8E, value: try mac(ssc: ssc, dos)).encoded
        return ResponseAPDU(data: dos, status: response.status)
    }

    // MARK: Helpers

    /// The data objects of a protected message before its DO'8E', once the MAC over `header` and
    /// them is checked: both sides unprotect through here.
    private func verifiedObjects(
        _ bytes: [UInt8],
        of message: String,
        header: [UInt8],
        ssc: [UInt8]
    ) throws
        -> ArraySlice<TLV>
    {
        let objects: [TLV]
        do { objects = try TLV.decodeSequence(bytes) } catch {
            throw SecureMessagingError.malformed("\(message) data objects: \(error)")
        }
        guard let last = objects.last, last.tag == 0x8E else { throw SecureMessagingError.missingMAC }
        guard last.value.count == 8 else { throw SecureMessagingError.malformed("DO'8E' length") }
        let covered = objects.dropLast().flatMap(\.encoded)
        guard constantTimeEqual(try mac(ssc: ssc, header + covered), last.value) else {
            throw SecureMessagingError.badMAC
        }
        return objects.dropLast()
    }

    /// The plain data of DO'87' (padding indicator 01, then the cryptogram) or DO'85'.
    private func decryptedData(_ object: TLV, ssc: [UInt8]) throws -> [UInt8] {
        guard object.tag == 0x87 else { return try decryptChecked(ssc: ssc, object.value) }
        guard object.value.first == 0x01, object.value.count > 1 else {
            throw SecureMessagingError.malformed("DO'87' padding indicator")
        }
        return try decryptChecked(ssc: ssc, Array(object.value.dropFirst()))
    }

    private func decryptChecked(ssc: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        guard !data.isEmpty, data.count % keys.cipher.blockSize == 0 else {
            throw SecureMessagingError.malformed("cryptogram length")
        }
        do { return try decrypt(ssc: ssc, data) } catch {
            throw SecureMessagingError.malformed("cryptogram padding")
        }
    }

    /// Increments a big-endian counter in place (wraps at the top, as a card does).
    public static func increment(_ counter: inout [UInt8]) {
        var i = counter.count - 1
        while i >= 0 {
            counter[i] &+= 1
            if counter[i] != 0 { return }
            i -= 1
        }
    }
}

/// Compares two byte strings in time independent of where they differ.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for i in a.indices { diff |= a[i] ^ b[i] }
    return diff == 0
}
