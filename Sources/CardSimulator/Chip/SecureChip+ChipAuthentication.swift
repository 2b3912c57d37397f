import MRTD
import SmartCard

/// The chip side of chip authentication (ICAO 9303-11 §6.2) inside a secure session:
/// MSE:Set AT + GENERAL AUTHENTICATE for the AES variants, MSE:Set KAT for 3DES. The answer
/// goes out under the old keys; then the chip restarts secure messaging with keys derived
/// from ECDH(chip static key, terminal ephemeral key) and SSC = 0. It always uses its own
/// key, whatever DG14 says (the `dg14-wrong-key` forgery relies on that).
extension SecureChip {
    /// Commands the chip answers itself inside a secure session; nil sends the command to the
    /// file system card.
    func authenticationCommand(_ command: CommandAPDU) -> ResponseAPDU? {
        guard let keys = configuration.chipKeys else { return nil }
        switch (command.ins, command.p1, command.p2) {
        case (0x22, 0x41, 0xA4): return chipAuthenticationSetAT(command, keys: keys)
        case (0x22, 0x41, 0xA6): return chipAuthenticationSetKAT(command, keys: keys)
        case (0x86, 0x00, 0x00): return chipAuthenticationGeneralAuthenticate(command, keys: keys)
        case (0x88, 0x00, 0x00): return internalAuthenticate(command, keys: keys)
        default: return nil
        }
    }

    private func chipAuthenticationSetAT(_ command: CommandAPDU, keys: ChipKeys) -> ResponseAPDU {
        chipAuthenticationSelected = false
        guard keys.caCipher != .tripleDES else { return ResponseAPDU(status: .conditionsNotSatisfied) }
        guard let objects = try? TLV.decodeSequence(command.data),
            let oid = objects.first(where: { $0.tag == 0x80 })?.value
        else {
            return ResponseAPDU(status: .wrongData)
        }
        let ours = ChipAuthenticator.protocolOID(keyAgreement: .ecdh, cipher: keys.caCipher)
        guard let expected = try? ChipAuthenticator.mechanismReference(protocolOID: ours), expected == oid else {
            return ResponseAPDU(status: .wrongData)
        }
        if objects.contains(where: { $0.tag == 0x84 }) { return ResponseAPDU(status: StatusWord(0x6A88)) }
        chipAuthenticationSelected = true
        return ResponseAPDU(status: .success)
    }

    private func chipAuthenticationSetKAT(_ command: CommandAPDU, keys: ChipKeys) -> ResponseAPDU {
        guard keys.caCipher == .tripleDES else { return ResponseAPDU(status: .conditionsNotSatisfied) }
        guard let objects = try? TLV.decodeSequence(command.data),
            let terminal = objects.first(where: { $0.tag == 0x91 })?.value
        else {
            return ResponseAPDU(status: .wrongData)
        }
        return agree(terminal, keys: keys) ? ResponseAPDU(status: .success) : ResponseAPDU(status: .wrongData)
    }

    private func chipAuthenticationGeneralAuthenticate(_ command: CommandAPDU, keys: ChipKeys) -> ResponseAPDU {
        guard chipAuthenticationSelected else { return ResponseAPDU(status: .conditionsNotSatisfied) }
        chipAuthenticationSelected = false
        guard let outer = try? TLV.decode(command.data), outer.tag == 0x7C,
            let terminal = (try? TLV.decodeSequence(outer.value))?.first(where: { $0.tag == 0x80 })?.value
        else {
            return ResponseAPDU(status: .wrongData)
        }
        return agree(terminal, keys: keys)
            ? ResponseAPDU(data: [0x7C, 0x00], status: .success) : ResponseAPDU(status: .wrongData)
    }

    /// ECDH with the terminal's ephemeral key; the new session starts after this answer.
    private func agree(_ terminal: [UInt8], keys: ChipKeys) -> Bool {
        guard let curve = try? ECCurve(parameterId: keys.caParameterId), curve.isValidPoint(terminal),
            let shared = try? curve.sharedSecret(privateKey: keys.caPrivateKey, peerPublicKey: terminal),
            let sessionKeys = try? SessionKeys(cipher: keys.caCipher, sharedSecret: shared)
        else {
            return false
        }
        pendingSession = Session(
            codec: SecureMessagingCodec(keys: sessionKeys),
            ssc: [UInt8](repeating: 0, count: keys.caCipher.blockSize)
        )
        return true
    }
}
