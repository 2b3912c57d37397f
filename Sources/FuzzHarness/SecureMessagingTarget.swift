import MRTD
import SmartCard

/// Secure-messaging response unwrapping (ICAO 9303-11 §9.8) with fixed test keys.
///
/// Byte 0 picks the cipher (bits 0–1) and whether to append a correct DO'8E' (bit 2): random
/// bytes almost never carry a valid MAC, and without one the decryption and unpadding paths
/// are never reached. The rest is the response (data objects, then SW1 SW2).
enum SecureMessagingTarget {
    static let ciphers: [SecureMessagingCipher] = [.tripleDES, .aes128, .aes192, .aes256]

    static func codec(_ cipher: SecureMessagingCipher) -> SecureMessagingCodec {
        let keyLength: Int
        switch cipher {
        case .tripleDES, .aes128: keyLength = 16
        case .aes192: keyLength = 24
        case .aes256: keyLength = 32
        }
        let encryption = (0..<keyLength).map { UInt8(truncatingIfNeeded: 0x10 &+ $0) }
        let mac = (0..<keyLength).map { UInt8(truncatingIfNeeded: 0xA0 &+ $0) }
        return SecureMessagingCodec(keys: SessionKeys(cipher: cipher, encryption: encryption, mac: mac))
    }

    static func run(_ data: [UInt8]) {
        guard let mode = data.first else { return }
        let codec = codec(ciphers[Int(mode & 0x03)])
        let ssc = [UInt8](repeating: 0, count: codec.cipher.blockSize - 1) + [mode]
        var body = Array(data.dropFirst())
        if mode & 0x04 != 0, body.count >= 2 {
            let status = body.suffix(2)
            let objects = body.dropLast(2)
            guard let decoded = try? TLV.decodeSequence(objects),
                let tag = try? codec.mac(ssc: ssc, decoded.flatMap(\.encoded))
            else { return }
            body = decoded.flatMap(\.encoded) + TLV(tag: 0x8E, value: tag).encoded + status
        }
        guard let response = try? ResponseAPDU(bytes: body) else { return }
        _ = try? codec.unprotect(response, ssc: ssc)
        // The chip side parses commands the same way (the simulator faces hostile terminals).
        if let command = try? CommandAPDU(bytes: body) {
            _ = try? codec.unprotect(command, ssc: ssc)
        }
    }
}

extension FuzzHarness {
    /// A `smResponse` input whose MAC verifies: `plain` protected by the chip side of the
    /// codec with the harness keys, for seeds that start past the MAC check.
    public static func secureMessagingSeed(mode: UInt8, plain: ResponseAPDU) -> [UInt8]? {
        let codec = SecureMessagingTarget.codec(SecureMessagingTarget.ciphers[Int(mode & 0x03)])
        let ssc = [UInt8](repeating: 0, count: codec.cipher.blockSize - 1) + [mode]
        guard let protected = try? codec.protect(plain, ssc: ssc) else { return nil }
        return [mode] + protected.bytes
    }

    /// A `fileReader` input: the card answers `file` in chunks of `chunk` bytes.
    public static func fileReaderSeed(file: [UInt8], chunkSizeIndex: UInt8, flags: UInt8, chunk: Int) -> [UInt8] {
        var script: [UInt8] = [chunkSizeIndex, flags]
        var offset = 0
        while offset < file.count {
            let piece = Array(file[offset..<min(file.count, offset + chunk)]) + [0x90, 0x00]
            script += [UInt8(piece.count >> 8), UInt8(piece.count & 0xFF)] + piece
            offset += chunk
        }
        return script
    }
}
