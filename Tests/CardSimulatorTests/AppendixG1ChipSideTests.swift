import MRTD
import SmartCard
import Testing

@testable import CardSimulator

/// ICAO 9303-11 Appendix G.1 replayed from the card side: given the chip's nonce and keys, the
/// chip answers the terminal's commands byte for byte.
@Suite struct AppendixG1ChipSide {
    static let exchanges: [(command: String, response: String)] = [
        ("0022C1A40F800A04007F00070202040202830101", "9000"),
        ("10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C39000"),
        (
            "10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00",
            "7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C549000"
        ),
        (
            "10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200",
            "7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F0949000"
        ),
        ("008600000C7C0A8508C2B0BD78D94BA86600", "7C0A86083ABB9674BCE93C089000"),
    ]

    @Test func chipAnswersEveryCommandOfTheTrace() async throws {
        let chip = SecureChip(
            inner: MemoryCard(files: [:]),
            configuration: .init(
                can: "000000",
                mrz: .mrz(documentNumber: "T22000129", dateOfBirth: "640812", dateOfExpiry: "101031")
            ),
            testKeys: .init(
                paceNonce: [UInt8](hex: "3F00C4D39D153F2B2A214A078D899B22"),
                mappingPrivateKey: [UInt8](hex: "498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560"),
                agreementPrivateKey: [UInt8](hex: "107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A")
            )
        )
        for (command, response) in Self.exchanges {
            let answer = await chip.process(bytes: [UInt8](hex: command))
            #expect(answer.hex == response)
        }
        #expect(await chip.hasSession)
    }
}
