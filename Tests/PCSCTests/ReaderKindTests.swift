import CardSimulator
import SmartCard
import Testing

@testable import PCSC

/// Issue 17: which reader reads ID cards, from what PC/SC tells.
@Suite struct ReaderKindTests {
    static let contactlessATR = FileSystemCard.defaultATR  // 3B 88 80 01 …
    static let tokenATR = SignatureToken.atr  // 3B 88 01 …

    @Test(arguments: [
        ("ACS ACR1252 1S CL Reader PICC 00 00", ReaderKind.contactless),
        ("ACS ACR1281 1S Dual Reader PICC 0", .contactless),
        ("ACS ACR1281 1S Dual Reader ICC 0", .contactOnly),
        ("ACS ACR122U PICC Interface 00 00", .contactless),
        ("HID Global OMNIKEY 5022 Smart Card Reader [OMNIKEY 5022 CL] 00 00", .contactless),
        ("Identiv uTrust 3700 F Contactless Reader 00 00", .contactless),
        ("FT ePass2003Auto [ePass2003Auto] 00 00", .contactOnly),
        ("SafeNet eToken 5100 [eToken 5100] 00 00", .contactOnly),
        ("VNPT-CA Token 00 00", .contactOnly),
        ("Alcor Micro AU9540 00 00", .unknown),
        ("Virtual PCD 00 00", .unknown),
    ])
    func theNameTellsWhenNoCardIsThere(name: String, kind: ReaderKind) {
        let c = ReaderClassification.classify(name: name)
        #expect(c.kind == kind)
        #expect(c.basis == (kind == .unknown ? .nothing : .name))
        #expect(!c.holdsContactCard)
    }

    @Test func theCardOnTheReaderOutranksTheName() {
        let token = ReaderClassification.classify(name: "Virtual PCD 00 01", atr: Self.tokenATR)
        #expect(token.kind == .contactOnly && token.basis == .contactATR && token.holdsContactCard)
        #expect(!token.mayReadIDCards)
        let card = ReaderClassification.classify(name: "Alcor Micro AU9540 00 00", atr: Self.contactlessATR)
        #expect(card.kind == .contactless && card.basis == .contactlessATR && !card.holdsContactCard)
        #expect(card.mayReadIDCards)
    }

    @Test func aContactCardOnAReaderThatReadIDCardsIsStillNeverTouched() {
        let c = ReaderClassification.classify(name: "Virtual PCD 00 00", atr: Self.tokenATR, sawContactlessCard: true)
        #expect(c.kind == .contactless)
        #expect(c.holdsContactCard)
        #expect(!c.mayReadIDCards)
    }

    @Test func aReaderThatSawAContactlessCardStaysAnIDCardReaderWhenEmpty() {
        let c = ReaderClassification.classify(name: "Generic USB Reader 00 00", atr: [], sawContactlessCard: true)
        #expect(c.kind == .contactless && c.basis == .contactlessCardSeen)
    }

    @Test func aPINPadMeansAContactReader() {
        var identity = ReaderIdentity()
        identity.features = ReaderFeatures(controlCodes: [ReaderFeatures.Tag.verifyPINDirect: 0x4234_0006])
        let c = ReaderClassification.classify(name: "Generic USB Reader 00 00", identity: identity)
        #expect(c.kind == .contactOnly && c.basis == .pinPad)
    }

    @Test func aMalformedATRTellsNothing() {
        let c = ReaderClassification.classify(name: "Virtual PCD 00 00", atr: [0x3B, 0x8A, 0x80])
        #expect(c.kind == .unknown && !c.holdsContactCard)
    }

    @Test func theSimulatedTokenHasAValidContactATR() throws {
        let atr = try ATR(Self.tokenATR)
        #expect(!atr.isContactless)
        #expect(atr.checksumValid == true)
        #expect(atr.protocols == [1])
    }
}
