import MRTD
import SmartCard

extension SecureChip.Configuration {
    /// EF.CardAccess (ICAO 9303-11 §9.2) consistent with this configuration, for the file
    /// system card under the chip: TerminalAuthenticationInfo v1, ChipAuthenticationInfo
    /// CA-ECDH-AES-CBC-CMAC-128 v1 and the PACEInfo (v2, standardized parameter id). With the
    /// defaults these are exactly the bytes seen on CCCD cards (docs/design.md §4).
    public var efCardAccess: [UInt8] {
        func oid(_ components: [UInt8]) -> TLV { TLV(tag: 0x06, value: components) }
        func integer(_ value: Int) -> TLV {
            var bytes: [UInt8] = []
            var v = value
            repeat {
                bytes.insert(UInt8(v & 0xFF), at: 0)
                v >>= 8
            } while v > 0
            if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
            return TLV(tag: 0x02, value: bytes)
        }
        let bsi: [UInt8] = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02]
        let cipherByte: UInt8
        switch paceCipher {
        case .tripleDES: cipherByte = 1
        case .aes128: cipherByte = 2
        case .aes192: cipherByte = 3
        case .aes256: cipherByte = 4
        }
        var infos: [TLV] = [
            TLV(tag: 0x30, children: [oid(bsi + [0x02]), integer(1)]),
            TLV(tag: 0x30, children: [oid(bsi + [0x03, 0x02, 0x02]), integer(1)]),
        ]
        if supportsPACE {
            infos.append(
                TLV(tag: 0x30, children: [oid(bsi + [0x04, 0x02, cipherByte]), integer(2), integer(paceParameterId)])
            )
        }
        return TLV(tag: 0x31, children: infos).encoded
    }
}
