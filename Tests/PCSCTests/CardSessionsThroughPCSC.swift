import CardSimulator
import Foundation
import PCSC
import SmartCard
import TestBench
import Testing

extension PCSCIntegration {
    /// What happens to a session when the card goes away or another process holds it.
    /// Uses slot 1, so it does not disturb `ReadThroughPCSC` on slot 0.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct CardSessionsThroughPCSC {
        static let slot = 1
        static let selectAID = CommandAPDU(
            ins: 0xA4,
            p1: 0x04,
            p2: 0x0C,
            data: [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
        )

        static func card() -> FileSystemCard {
            FileSystemCard(applications: [
                .init(aid: [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01], files: [0x011E: [0x60, 0x00]])
            ])
        }

        @Test func exclusiveHolderMakesOthersFailFastWithSharingViolation() async throws {
            let bench = try await PCSCBench.shared()
            let a = try await PCSCContext.establish()
            let b = try await PCSCContext.establish()
            defer {
                Task {
                    await a.release()
                    await b.release()
                }
            }
            let name = bench.readerName(slot: Self.slot)
            try await bench.withInserted(Self.card(), slot: Self.slot) {
                try await a.reader(named: name).withCard(share: .exclusive) { _ in
                    let start = ContinuousClock.now
                    let error = await pcscError { try await b.reader(named: name).withCard { _ in } }
                    #expect(error?.category == .sharingViolation)
                    #expect(ContinuousClock.now - start < .seconds(5))
                }
                // Released by scope: the other context gets the card now.
                try await b.reader(named: name).withCard { card in
                    let response = try await card.transmit(Self.selectAID)
                    #expect(response.status == .success)
                }
            }
        }

        @Test func waitingForAChangeIsCancellableFromAnotherTask() async throws {
            let bench = try await PCSCBench.shared()
            try await PCSCContext.with { context in
                let states = try await context.currentStates(of: [bench.readerName(slot: Self.slot)]).map {
                    $0.acknowledged()
                }
                let start = ContinuousClock.now
                let canceller = Task {
                    try await Task.sleep(for: .milliseconds(200))
                    context.cancel()
                }
                let error = await pcscError { _ = try await context.getStatusChange(states, timeout: .seconds(20)) }
                #expect(error?.category == .cancelled)
                #expect(ContinuousClock.now - start < .seconds(5))
                _ = try await canceller.value
                // The context is still usable afterwards.
                #expect(try await context.listReaders().contains(bench.readerName(slot: Self.slot)))
            }
        }

        @Test func unchangedStateTimesOutWithNil() async throws {
            let bench = try await PCSCBench.shared()
            try await PCSCContext.with { context in
                let states = try await context.currentStates(of: [bench.readerName(slot: Self.slot)]).map {
                    $0.acknowledged()
                }
                #expect(try await context.getStatusChange(states, timeout: .milliseconds(200)) == nil)
            }
        }

        /// PCSCLITE_NO_BLOCKING (set by `PCSCContext.establish`): a transmit while another
        /// context holds a transaction fails at once instead of blocking until it ends.
        @Test func transmitDuringAnotherTransactionFailsFast() async throws {
            let bench = try await PCSCBench.shared()
            let name = bench.readerName(slot: Self.slot)
            try await bench.withInserted(Self.card(), slot: Self.slot) {
                try await PCSCContext.with { a in
                    try await PCSCContext.with { b in
                        try await a.reader(named: name).withCard { holder in
                            try await b.reader(named: name).withCard { other in
                                try await holder.withTransaction {
                                    let start = ContinuousClock.now
                                    let error = await pcscError { _ = try await other.transmit(Self.selectAID) }
                                    #expect(error?.category == .sharingViolation)
                                    #expect(ContinuousClock.now - start < .seconds(5))
                                }
                                let response = try await other.transmit(Self.selectAID)
                                #expect(response.status == .success)
                            }
                        }
                    }
                }
            }
        }

        @Test func removingTheCardFailsTheSessionWithARemovalCategory() async throws {
            let bench = try await PCSCBench.shared()
            try await bench.insert(card: Self.card(), slot: Self.slot)
            let context = try await PCSCContext.establish()
            defer { Task { await context.release() } }
            let name = bench.readerName(slot: Self.slot)

            try await context.reader(named: name).withCard { card in
                let response = try await card.transmit(Self.selectAID)
                #expect(response.status == .success)
                await bench.remove(slot: Self.slot)
                let error = await pcscError { _ = try await card.transmit(Self.selectAID) }
                #expect(
                    error.map { [.cardRemoved, .noCard, .communication].contains($0.category) } == true,
                    "got \(String(describing: error))"
                )
            }
        }

        /// docs/design.md §7: without TCP_QUICKACK re-armed, delayed ACKs add ~40 ms per APDU.
        /// Printed for the record, not asserted (speed belongs in `make bench`).
        @Test func delayedAckCostIsVisible() async throws {
            let bench = try await PCSCBench.shared()
            let context = try await PCSCContext.establish()
            defer { Task { await context.release() } }
            let name = bench.readerName(slot: Self.slot)
            var results: [String] = []
            for quickAck in [true, false] {
                let perAPDU = try await bench.withInserted(Self.card(), slot: Self.slot, quickAck: quickAck) {
                    try await context.reader(named: name).withCard { card in
                        let start = ContinuousClock.now
                        for _ in 0..<20 { _ = try await card.transmit(Self.selectAID) }
                        return (ContinuousClock.now - start) / 20
                    }
                }
                results.append("quickAck=\(quickAck): \(perAPDU)")
            }
            print("vpcd round trip per APDU: " + results.joined(separator: ", "))
        }

        /// The PCSCError `body` throws; records an issue when it throws nothing or something else.
        private func pcscError(_ body: () async throws -> Void) async -> PCSCError? {
            do {
                try await body()
                Issue.record("expected a PCSCError, nothing was thrown")
            } catch let error as PCSCError {
                return error
            } catch {
                Issue.record("expected a PCSCError, got \(error)")
            }
            return nil
        }
    }
}
