import MRTD
import SmartCard
import Testing

@testable import CardSimulator

/// ICAO 9303-11 Appendix D replayed from the card side: with RND.IC and K.IC injected, the chip
/// answers BAC and the three secure-messaging APDUs of D.4 byte for byte.
@Suite struct AppendixDChipSide {
    static let exchanges: [(command: String, response: String)] = [
        ("0084000008", "4608F919887022129000"),
        (
            "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728",
            "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000"
        ),
        ("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", "990290008E08FA855A5D4C50A8ED9000"),
        ("0CB000000D9701048E08ED6705417E96BA5500", "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"),
        (
            "0CB000040D9701128E082EA28A70F3C7B53500",
            "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"
        ),
    ]

    @Test func chipAnswersBACAndSecureMessagingByteForByte() async throws {
        let efCOM = [UInt8](hex: "60145F0104303130365F36063034303030305C026175")
        let chip = SecureChip(
            inner: MemoryCard(files: [0x011E: efCOM]),
            configuration: .init(
                can: "000000",
                mrz: .mrz(documentNumber: "L898902C", dateOfBirth: "690806", dateOfExpiry: "940623")
            ),
            testKeys: .init(
                rndIC: [UInt8](hex: "4608F91988702212"),
                kIC: [UInt8](hex: "0B4F80323EB3191CB04970CB4052790B")
            )
        )
        for (command, response) in Self.exchanges {
            let answer = await chip.process(bytes: [UInt8](hex: command))
            #expect(answer.hex == response)
        }
        #expect(await chip.hasSession)
    }
}
