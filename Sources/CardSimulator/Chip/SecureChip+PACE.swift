import MRTD
import SmartCard

/// Where the chip is in a PACE run (ICAO 9303-11 §4.4.3).
enum PACEState {
    case idle
    case selected(curve: ECCurve, passwordKey: [UInt8])
    case nonceSent(curve: ECCurve, nonce: [UInt8])
    case mapped(curve: ECCurve, generator: [UInt8])
    case agreed(keys: SessionKeys, chipPublic: [UInt8], terminalPublic: [UInt8])
}

/// The chip side of PACE-ECDH-GM: MSE:Set AT and the four GENERAL AUTHENTICATE steps.
extension SecureChip {
    func paceSetAT(_ command: CommandAPDU) -> ResponseAPDU {
        pace = .idle
        let info = configuration.paceInfo
        guard let objects = try? TLV.decodeSequence(command.data),
            let oid = objects.first(where: { $0.tag == 0x80 })?.value,
            let reference = objects.first(where: { $0.tag == 0x83 })?.value, reference.count == 1
        else {
            return ResponseAPDU(status: .wrongData)
        }
        guard let expected = try? PACE.authenticationOIDBytes(info), oid == expected else {
            return ResponseAPDU(status: .wrongData)
        }
        if let parameter = objects.first(where: { $0.tag == 0x84 })?.value,
            parameter != [UInt8(truncatingIfNeeded: configuration.paceParameterId)]
        {
            return ResponseAPDU(status: .wrongData)
        }
        let key: AccessKey
        switch reference[0] {
        case 0x02: key = .can(configuration.can)
        case 0x01:
            guard let mrz = configuration.mrz else { return ResponseAPDU(status: StatusWord(0x6A88)) }
            key = mrz
        default: return ResponseAPDU(status: StatusWord(0x6A88))
        }
        guard let curve = try? ECCurve(parameterId: configuration.paceParameterId),
            let kPi = try? PACE.passwordKey(key, cipher: configuration.paceCipher)
        else {
            return ResponseAPDU(status: .noPreciseDiagnosis)
        }
        pace = .selected(curve: curve, passwordKey: kPi)
        return ResponseAPDU(status: .success)
    }

    func paceGeneralAuthenticate(_ command: CommandAPDU) -> ResponseAPDU {
        let state = pace
        pace = .idle  // any failure below leaves PACE to be restarted from MSE:Set AT
        guard let outer = try? TLV.decode(command.data), outer.tag == 0x7C,
            let objects = try? TLV.decodeSequence(outer.value)
        else {
            return ResponseAPDU(status: .wrongData)
        }
        let cipher = configuration.paceCipher
        do {
            switch state {
            case .idle:
                return ResponseAPDU(status: .conditionsNotSatisfied)

            case .selected(let curve, let kPi):
                guard objects.isEmpty else { return ResponseAPDU(status: .wrongData) }
                let nonce = try takeKey(\.paceNonce) ?? Crypto.randomBytes(cipher.blockSize)
                let encrypted = try PACE.cryptNonce(encrypt: true, key: kPi, cipher: cipher, nonce)
                pace = .nonceSent(curve: curve, nonce: nonce)
                return dynamicData([TLV(tag: 0x80, value: encrypted)])

            case .nonceSent(let curve, let nonce):
                guard let terminal = objects.first(where: { $0.tag == 0x81 })?.value, curve.isValidPoint(terminal)
                else {
                    return ResponseAPDU(status: .wrongData)
                }
                let secret = try takeKey(\.mappingPrivateKey) ?? curve.generatePrivateKey()
                let chipPublic = try curve.multiplyGenerator(by: secret)
                let h = try curve.multiply(terminal, by: secret)
                let generator = try PACE.mappedGenerator(curve: curve, nonce: nonce, sharedPoint: h)
                pace = .mapped(curve: curve, generator: generator)
                return dynamicData([TLV(tag: 0x82, value: chipPublic)])

            case .mapped(let curve, let generator):
                guard let terminal = objects.first(where: { $0.tag == 0x83 })?.value, curve.isValidPoint(terminal)
                else {
                    return ResponseAPDU(status: .wrongData)
                }
                let secret = try takeKey(\.agreementPrivateKey) ?? curve.generatePrivateKey()
                let chipPublic = try curve.multiply(generator, by: secret)
                guard chipPublic != terminal else { return ResponseAPDU(status: .wrongData) }
                let shared = try curve.sharedSecret(privateKey: secret, peerPublicKey: terminal)
                let keys = try SessionKeys(cipher: cipher, sharedSecret: shared)
                pace = .agreed(keys: keys, chipPublic: chipPublic, terminalPublic: terminal)
                return dynamicData([TLV(tag: 0x84, value: chipPublic)])

            case .agreed(let keys, let chipPublic, let terminalPublic):
                guard let token = objects.first(where: { $0.tag == 0x85 })?.value else {
                    return ResponseAPDU(status: .wrongData)
                }
                let oid = configuration.paceInfo.protocolOID
                let expected = try PACE.authenticationToken(keys: keys, protocolOID: oid, publicKey: chipPublic)
                guard token == expected else { return ResponseAPDU(status: StatusWord(0x6300)) }
                let answer = try PACE.authenticationToken(keys: keys, protocolOID: oid, publicKey: terminalPublic)
                startSession(keys: keys, ssc: [UInt8](repeating: 0, count: cipher.blockSize))
                return dynamicData([TLV(tag: 0x86, value: answer)])
            }
        } catch {
            return ResponseAPDU(status: .wrongData)
        }
    }

    private func dynamicData(_ objects: [TLV]) -> ResponseAPDU {
        ResponseAPDU(data: TLV(tag: 0x7C, children: objects).encoded, status: .success)
    }

    /// Uses an injected test key once.
    private func takeKey(_ path: WritableKeyPath<TestKeys, [UInt8]?>) -> [UInt8]? {
        guard let value = testKeys?[keyPath: path] else { return nil }
        testKeys?[keyPath: path] = nil
        return value
    }
}
