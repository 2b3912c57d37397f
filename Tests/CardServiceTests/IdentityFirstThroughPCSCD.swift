import CCCD
import CardSimulator
import Foundation
import MRTD
import PCSC
import Synchronization
import TestBench
import Testing

@testable import CardService

/// Identity first through a real pcscd + vpcd, on a card as slow as a real chip on a
/// 424 kbit/s short-APDU reader (docs/design.md §5). Behaviour only; the times are `make bench`'s.
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(3)))
struct IdentityFirstThroughPCSCD {
    @Test func theVerifiedIdentityArrivesBeforeTheFaceIsRead() async throws {
        let profile = try CitizenProfile.load(named: "le-thi-hong-nhung")
        let card = try SimulatedCCCD.build(profile: profile, options: .shortOnly)
        let ledger = TimingLedger()
        let bench = try await PCSCBench.shared()
        let identity = Mutex<CitizenRecord?>(nil)
        let record = try await bench.withInserted(
            TimedCard(inner: card.handler, timing: .reader424Short, ledger: ledger)
        ) {
            try await PCSCContext.with { context in
                var options = try CardReadRequest(
                    key: KeySpec(id: profile.dg13.idNumber),
                    options: ReadOptions(waitForCard: .seconds(5))
                )
                options.trust = { card.trustStore }
                options.identity = { early in identity.withLock { $0 = early } }
                return try await CardReading().read(
                    reader: context.reader(named: bench.readerName(slot: 0)),
                    identity: nil,
                    request: options
                )
            }
        }
        let early = try #require(identity.withLock { $0 })
        #expect(early.person == record.person)
        #expect(early.person.fullName == profile.dg13.fullName)
        #expect(early.verification.status == .verified)
        #expect(early.faceStatus == .pending && early.face == nil)
        #expect(record.faceStatus == .read && record.face != nil)
        #expect(record.verification.status == .verified)
        // The face is what a short-APDU reader spends most of its APDUs on: the identity
        // came before them (its statistics are the read's up to the checkpoint).
        let faceAPDUs = try #require(record.stats.files.first { $0.name == "DG2" }).apdus
        #expect(faceAPDUs > 80)
        #expect(early.stats.apdus + faceAPDUs <= record.stats.apdus)
        #expect(!early.stats.files.map(\.name).contains("DG2"))
        #expect(ledger.totals.apdus == record.stats.apdus)
        #expect(early.stats.durationMs < record.stats.durationMs / 2)
    }
}
