import MRTD
import SmartCard

/// The chip side of active authentication (ICAO 9303-11 §6.1): INTERNAL AUTHENTICATE signs
/// the terminal's 8-byte challenge with the chip's AA key, which is always its own whatever
/// DG15 says (the `dg15-wrong-key` forgery relies on that).
/// - ECDSA: plain `r || s` over SHA-256(challenge) (§6.1.3).
/// - RSA: ISO/IEC 9796-2 scheme 1, M1 random, M2 = challenge, trailer `BC`, signed by the raw
///   RSA private operation (§6.1.2).
extension SecureChip {
    func internalAuthenticate(_ command: CommandAPDU, keys: ChipKeys) -> ResponseAPDU {
        guard command.data.count == 8 else { return ResponseAPDU(status: .wrongData) }
        let challenge = command.data
        do {
            switch keys.aaAlgorithm {
            case .ecdsaP256:
                let der = try Crypto.ecdsaSign(privateKey: keys.aaPrivateKey, hash: ChipKeys.ecdsaHash, challenge)
                guard let plain = ECDSASignature.plain(fromDER: der, length: 32) else {
                    return ResponseAPDU(status: .noPreciseDiagnosis)
                }
                return ResponseAPDU(data: plain, status: .success)
            case .rsa2048:
                let length = keys.aaModulusLength
                let m1 = try Crypto.randomBytes(ISO9796Scheme1.recoverableLength(modulusLength: length, hash: .sha1))
                let f = try ISO9796Scheme1.representative(length: length, hash: .sha1, m1: m1, challenge: challenge)
                return ResponseAPDU(data: try Crypto.rsaRawPrivate(privateKey: keys.aaPrivateKey, f), status: .success)
            }
        } catch {
            return ResponseAPDU(status: .noPreciseDiagnosis)
        }
    }
}
