import MRTD
import SmartCard

/// Access control against a hostile chip: PACE-ECDH-GM (ICAO 9303-11 §4.4) and BAC (§4.3)
/// over a card scripted by the fuzz input (`ScriptedCard`), with fixed terminal randoms so
/// a run is reproducible. The chip's answers carry the nonce, its EC points and its tokens.
enum AccessTarget {
    /// Byte 0 of a `pace` input picks one of these (cipher × curve).
    static let paceInfos: [PACEInfo] = {
        let ciphers = ["1", "2", "3", "4"]  // 3DES, AES-128, AES-192, AES-256
        let parameterIds = [8, 12, 13, 15, 18]
        return parameterIds.flatMap { id in
            ciphers.map { PACEInfo(protocolOID: "0.4.0.127.0.7.2.2.4.2.\($0)", version: 2, parameterId: id) }
        }
    }()

    static let ephemeralKeys = PACE.EphemeralKeys(
        mappingPrivateKey: [0x01, 0x23, 0x45, 0x67, 0x89],
        agreementPrivateKey: [0x0F, 0xED, 0xCB, 0xA9, 0x87]
    )

    static func pace(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let info = paceInfos[Int(first) % paceInfos.count]
        let card = ScriptedCard(script: Array(data.dropFirst()))
        FileReaderTarget.blocking {
            _ = try? await PACE.establish(over: card, key: .can("123456"), info: info, ephemeralKeys: ephemeralKeys)
        }
    }

    static func bac(_ data: [UInt8]) {
        let card = ScriptedCard(script: data)
        let random = BAC.TerminalRandom(
            rndIFD: Array(repeating: 0x11, count: 8),
            kIFD: Array(repeating: 0x22, count: 16)
        )
        FileReaderTarget.blocking {
            _ = try? await BAC.establish(
                over: card,
                key: .mrz(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623"),
                random: random
            )
        }
    }
}

extension FuzzHarness {
    /// A `pace` input that gets as far as the chip's token: every step answered with the
    /// curve's generator as the chip's points (valid, so the point checks pass).
    public static func paceSeed(infoIndex: Int) -> [UInt8]? {
        let info = AccessTarget.paceInfos[infoIndex % AccessTarget.paceInfos.count]
        guard let id = info.parameterId, let curve = try? ECCurve(parameterId: id),
            let generator = try? curve.generator, let cipher = info.cipher
        else { return nil }
        func answer(_ bytes: [UInt8]) -> [UInt8] {
            let r = bytes + [0x90, 0x00]
            return [UInt8(r.count >> 8), UInt8(r.count & 0xFF)] + r
        }
        func dynamic(_ tag: TLVTag, _ value: [UInt8]) -> [UInt8] {
            answer(TLV(tag: 0x7C, children: [TLV(tag: tag, value: value)]).encoded)
        }
        let nonce = [UInt8](repeating: 0x5A, count: cipher.blockSize * 2)
        return [UInt8(infoIndex % AccessTarget.paceInfos.count)] + answer([]) + dynamic(0x80, nonce)
            + dynamic(0x82, generator) + dynamic(0x84, generator) + dynamic(0x86, Array(repeating: 0, count: 8))
    }

    /// A `bac` input: an 8-byte challenge, then a 40-byte EXTERNAL AUTHENTICATE answer.
    public static func bacSeed() -> [UInt8] {
        let challenge: [UInt8] = [0, 10] + Array(repeating: 0x46, count: 8) + [0x90, 0x00]
        let answer: [UInt8] = [0, 42] + Array(repeating: 0x0B, count: 40) + [0x90, 0x00]
        return challenge + answer
    }
}
