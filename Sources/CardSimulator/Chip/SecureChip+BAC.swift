import MRTD
import SmartCard

/// The chip side of BAC (ICAO 9303-11 §4.3.3): GET CHALLENGE and EXTERNAL AUTHENTICATE.
extension SecureChip {
    func bacGetChallenge(_ command: CommandAPDU) -> ResponseAPDU {
        guard configuration.supportsBAC, configuration.mrz != nil else { return ResponseAPDU(status: .insNotSupported) }
        guard command.ne == 8 else { return ResponseAPDU(status: .wrongLength) }
        let rnd = testKeys?.rndIC ?? (try? Crypto.randomBytes(8))
        testKeys?.rndIC = nil
        guard let rnd, rnd.count == 8 else { return ResponseAPDU(status: .noPreciseDiagnosis) }
        bacChallenge = rnd
        return ResponseAPDU(data: rnd, status: .success)
    }

    func bacExternalAuthenticate(_ command: CommandAPDU) -> ResponseAPDU {
        guard configuration.supportsBAC, let mrz = configuration.mrz else {
            return ResponseAPDU(status: .insNotSupported)
        }
        guard let rndIC = bacChallenge else { return ResponseAPDU(status: .conditionsNotSatisfied) }
        bacChallenge = nil
        guard command.data.count == 40 else { return ResponseAPDU(status: .wrongLength) }
        do {
            let keys = try BAC.keys(for: mrz)
            let eIFD = Array(command.data[0..<32])
            let mIFD = Array(command.data[32..<40])
            guard try Crypto.retailMAC(key: keys.mac, eIFD) == mIFD else {
                return ResponseAPDU(status: StatusWord(0x6300))
            }
            let s = try Crypto.tripleDES(encrypt: false, key: keys.encryption, eIFD)
            guard Array(s[8..<16]) == rndIC else { return ResponseAPDU(status: StatusWord(0x6300)) }
            let rndIFD = Array(s[0..<8])
            let kIFD = Array(s[16..<32])
            let injected = testKeys?.kIC
            testKeys?.kIC = nil
            let kIC = try injected ?? Crypto.randomBytes(16)
            let r = rndIC + rndIFD + kIC
            let eIC = try Crypto.tripleDES(encrypt: true, key: keys.encryption, r)
            let mIC = try Crypto.retailMAC(key: keys.mac, eIC)
            let session = try SessionKeys(cipher: .tripleDES, sharedSecret: zip(kIFD, kIC).map { $0 ^ $1 })
            startSession(keys: session, ssc: Array(rndIC[4..<8]) + Array(rndIFD[4..<8]))
            return ResponseAPDU(data: eIC + mIC, status: .success)
        } catch {
            return ResponseAPDU(status: .noPreciseDiagnosis)
        }
    }
}
