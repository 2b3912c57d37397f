import PCSC
import Testing

@testable import CardService

/// docs/design.md §9.5 and docs/design.md §9.5: the reader a request without `reader` means.
@Suite struct ReaderSelectionTests {
    static let tokenATR: [UInt8] = [0x3B, 0x88, 0x01, 0x80, 0x65, 0x54, 0x4F, 0x4B, 0x45, 0x4E, 0x31, 0x06]
    static let cardATR: [UInt8] = [0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00, 0x7E]

    static func reader(_ name: String, atr: [UInt8]? = nil) -> ReaderSelection.Candidate {
        ReaderSelection.Candidate(
            info: ReaderInfo(
                name: name,
                id: ReaderID(name: name, identity: ReaderIdentity()),
                identity: ReaderIdentity()
            ),
            cardPresent: atr != nil,
            atr: atr
        )
    }

    static func chosen(_ candidates: [ReaderSelection.Candidate], wanted: String? = nil) -> Result<String, ReadFailure>
    {
        do {
            return .success(try ReaderSelection.choose(wanted, among: candidates).name)
        } catch {
            return .failure(error)
        }
    }

    @Test func aTokenBesideAnEmptyReaderLeavesTheReader() {
        let r = Self.chosen([Self.reader("Generic Reader 00 00"), Self.reader("Virtual PCD 00 01", atr: Self.tokenATR)])
        #expect(r == .success("Generic Reader 00 00"))
    }

    @Test func aTokenBesideAReaderWithACardLeavesTheReader() {
        let r = Self.chosen([
            Self.reader("Virtual PCD 00 01", atr: Self.tokenATR), Self.reader("Virtual PCD 00 00", atr: Self.cardATR),
        ])
        #expect(r == .success("Virtual PCD 00 00"))
    }

    @Test func aTokenKnownByNameIsLeftOutEvenWithoutItsATR() {
        let r = Self.chosen([
            Self.reader("FT ePass2003Auto [ePass2003Auto] 00 00"), Self.reader("Alcor Micro AU9540 00 00"),
        ])
        #expect(r == .success("Alcor Micro AU9540 00 00"))
    }

    @Test func aContactlessReaderIsPreferredOverOneThatSaysNothing() {
        let r = Self.chosen([
            Self.reader("Alcor Micro AU9540 00 00"), Self.reader("ACS ACR1252 1S CL Reader PICC 00 00"),
        ])
        #expect(r == .success("ACS ACR1252 1S CL Reader PICC 00 00"))
    }

    @Test func onlyATokenIsNoIDCardReader() {
        guard case .failure(.noReader(let why)) = Self.chosen([Self.reader("Virtual PCD 00 01", atr: Self.tokenATR)])
        else {
            Issue.record("a lone token is not an ID-card reader")
            return
        }
        #expect(why.contains("contact-card readers"))
    }

    @Test func aTokenNamedExplicitlyIsRefused() {
        guard
            case .failure(.noReader(let why)) = Self.chosen(
                [Self.reader("Virtual PCD 00 01", atr: Self.tokenATR)],
                wanted: "Virtual PCD 00 01"
            )
        else {
            Issue.record("a named token is refused")
            return
        }
        #expect(why.contains("contact card"))
    }

    @Test func twoPossibleReadersWithoutACardStillAskToChoose() {
        guard case .failure(.noReader(let why)) = Self.chosen([Self.reader("A 00 00"), Self.reader("B 00 00")]) else {
            Issue.record("two unknown readers are ambiguous")
            return
        }
        #expect(why.contains("choose one"))
        #expect(Self.chosen([]) == .failure(.noReader("no reader is connected")))
    }
}
