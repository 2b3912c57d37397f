import CCCD
import CardSimulator
import Foundation
import MRTD
import PCSC
import SmartCard
import TestBench
import Testing

@testable import CardService

/// A reception desk sees cards pulled early and cards that misbehave (docs/design.md §7): every fault
/// gives a clear, classified error — never a crash or a hang — and the next read of a good
/// card on the same reader succeeds. `make soak` (SOAK=1) pulls the card at every APDU index.
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(10)))
struct CardFaultsThroughPCSCD {
    static var profile: CitizenProfile { get throws { try CitizenProfile.load(named: "tran-minh-khoa") } }
    static var key: KeySpec { get throws { KeySpec(id: try profile.dg13.idNumber) } }
    static let soak = ProcessInfo.processInfo.environment["SOAK"] == "1"

    static func read(options: SimulatedCCCD.Options) async throws -> Result<CitizenRecord, ReadFailure> {
        let bench = try await PCSCBench.shared()
        try await bench.insert(card: try SimulatedCCCD.make(profile: try profile, options: options), slot: 0)
        let key = try key
        let result = try await PCSCContext.with { context in
            do {
                return Result<CitizenRecord, ReadFailure>.success(
                    try await CardReading().read(
                        reader: context.reader(named: bench.readerName(slot: 0)),
                        identity: nil,
                        request: CardReadRequest(key: key, options: ReadOptions(waitForCard: .seconds(2)))
                    )
                )
            } catch {
                return .failure(ReadFailure.classify(error))
            }
        }
        await bench.remove(slot: 0)
        return result
    }

    /// The next read of a good card works: the reader session recovered.
    static func expectRecovered() async throws {
        let next = try await read(options: .init())
        #expect(
            (try? next.get())?.person.idNumber == (try profile.dg13.idNumber),
            "the read after a fault must succeed: \(next)"
        )
    }

    static func apdusOfAFullRead(_ options: SimulatedCCCD.Options) async throws -> Int {
        try await read(options: options).get().stats.apdus
    }

    @Test(arguments: [SimulatedCCCD.Options.extendedLength, .shortOnly])
    func aCardPulledAtAnyAPDUIsCardRemovedAndTheNextReadWorks(card: SimulatedCCCD.Options) async throws {
        let total = try await Self.apdusOfAFullRead(card)
        let indexes = Self.soak ? Array(0..<total) : [0, 3, 6, total / 2, total - 1]
        for i in indexes {
            var options = card
            options.wireFaults = [.pullAt(i)]
            let outcome = try await Self.read(options: options)
            guard case .failure(let failure) = outcome else {
                Issue.record("pulled at APDU \(i) of \(total): the read succeeded")
                continue
            }
            // Gone before the chip answered anything: not this read's card; the wait for the
            // next one ends without a card. Any later: the card was lost mid-read.
            #expect(failure == (i == 0 ? .noCard : .cardRemoved), "pulled at APDU \(i) of \(total)")
        }
        try await Self.expectRecovered()
    }

    @Test func aCorruptedMACIsAnUnreadableCardNotACrash() async throws {
        let total = try await Self.apdusOfAFullRead(.init())
        for i in [8, total - 2] {  // inside secure messaging
            let outcome = try await Self.read(options: .init(wireFaults: [.corruptAt(i)]))
            guard case .failure(let failure) = outcome else {
                Issue.record("corrupted answer \(i) was accepted")
                continue
            }
            #expect(failure.reason == "unreadableCard", "\(failure)")
        }
        try await Self.expectRecovered()
    }

    @Test(arguments: [
        CardFault.statusAt(0, StatusWord(0x6F00)), .statusAt(2, StatusWord(0x6F00)), .statusAt(9, StatusWord(0x6A80)),
        .statusAt(4, StatusWord(0x9000)), .truncateAt(3), .truncateAt(10), .oversizeAt(2), .oversizeAt(11),
        .corruptAt(1), .corruptAt(5),
    ])
    func lyingAnswersGiveAClassifiedErrorOrAGoodRecord(fault: CardFault) async throws {
        let outcome = try await Self.read(options: .init(wireFaults: [fault]))
        switch outcome {
        case .success(let record):
            // A fault the reader stepped around (e.g. the extended-length probe): the record must be whole.
            #expect(record.person.idNumber == (try Self.profile.dg13.idNumber))
        case .failure(let failure):
            #expect(["unreadableCard", "wrongKey", "cardRemoved"].contains(failure.reason), "\(fault): \(failure)")
        }
        try await Self.expectRecovered()
    }

    @Test func aCardThatNeverAnswersTimesOutAndTheReaderRecovers() async throws {
        let bench = try await PCSCBench.shared()
        try await bench.insert(
            card: try SimulatedCCCD.make(
                profile: try Self.profile,
                options: .init(wireFaults: [.silentAt(8, seconds: 4)])
            ),
            slot: 0
        )
        let clock = ContinuousClock()
        let start = clock.now
        var options = try CardReadRequest(key: try Self.key, options: ReadOptions(waitForCard: .seconds(2)))
        options.timeout = .seconds(1)
        let result = await ReadJob(readerName: bench.readerName(slot: 0), identity: nil, request: options).run()
        if case .failure(let failure) = result {
            #expect(failure == .timeout)
        } else {
            Issue.record("the silent card was read")
        }
        #expect(clock.now - start < .seconds(4), "the caller is not held by the silent card")
        await bench.remove(slot: 0)
        try await Self.expectRecovered()
    }

    @Test func dg1MissingWhereItShouldBeIsUnreadable() async throws {
        let outcome = try await Self.read(options: .init(fileFaults: [.fileStatus(fid: 0x0101, .fileNotFound)]))
        guard case .failure(let failure) = outcome else {
            Issue.record("read without DG1 succeeded")
            return
        }
        #expect(failure.reason == "unreadableCard")
    }

    @Test func dg13MissingStillGivesTheMRZIdentity() async throws {
        let record = try await Self.read(options: .init(fileFaults: [.fileStatus(fid: 0x010D, .fileNotFound)])).get()
        #expect(record.person.idNumber == (try Self.profile.dg13.idNumber))
        #expect(record.person.placeOfResidence == nil)
    }

    @Test func aCardWithoutTheIDApplicationIsUnreadable() async throws {
        let outcome = try await Self.read(options: .init(wireFaults: [.selectAIDStatus(.insNotSupported)]))
        guard case .failure(let failure) = outcome else {
            Issue.record("a card without the application was read")
            return
        }
        #expect(failure.reason == "unreadableCard")
        try await Self.expectRecovered()
    }
}
