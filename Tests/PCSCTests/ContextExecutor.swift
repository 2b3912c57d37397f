import CardSimulator
import Foundation
import SmartCard
import TestBench
import Testing

@testable import PCSC

extension PCSCIntegration {
    /// A PC/SC context's thread as a task executor: a card read that prefers it runs its
    /// protocol code there, and the pcsc-lite calls run inline (no thread hop per APDU).
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct ContextExecutor {
        static let slot = 1

        @Test func aTaskPreferringTheContextRunsItsCardSessionOnTheContextThread() async throws {
            let bench = try await PCSCBench.shared()
            let name = bench.readerName(slot: Self.slot)
            let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
            let card = FileSystemCard(applications: [.init(aid: aid, files: [0x011E: [0x60, 0x00]])])
            try await bench.withInserted(card, slot: Self.slot) {
                try await PCSCContext.with { context in
                    #expect(!context.thread.isCurrent)
                    let (statuses, onThread, hops) = try await withTaskExecutorPreference(context.taskExecutor) {
                        try await context.reader(named: name).withCard { card in
                            var statuses: [StatusWord] = []
                            var onThread = true
                            let before = context.thread.hops
                            for _ in 0..<20 {
                                statuses.append(
                                    try await card.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
                                        .status
                                )
                                onThread = onThread && context.thread.isCurrent
                            }
                            return (statuses, onThread, context.thread.hops - before)
                        }
                    }
                    #expect(statuses == Array(repeating: StatusWord.success, count: 20))
                    #expect(onThread)
                    #expect(hops == 0)
                    #expect(!context.thread.isCurrent)
                    // Without the preference every transmit hops onto the thread.
                    try await context.reader(named: name).withCard { card in
                        let before = context.thread.hops
                        _ = try await card.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: aid))
                        #expect(context.thread.hops - before == 1)
                    }
                }
            }
        }

        /// Once the context is released its thread stops; a task that still prefers it runs on
        /// the global executor instead of waiting for ever.
        @Test func aTaskPreferringAReleasedContextStillRuns() async throws {
            _ = try await PCSCBench.shared()
            let context = try await PCSCContext.establish()
            await context.release()
            let value = await Task(executorPreference: context.taskExecutor) { () async -> Int in
                await Task.yield()
                return 42
            }.value
            #expect(value == 42)
        }

        /// A released context's thread exits and nothing keeps it: a context is made per card
        /// read, and a cycle between the thread and its closure once leaked ~380 bytes a read.
        @Test func aReleasedContextsThreadIsFreed() async throws {
            _ = try await PCSCBench.shared()
            weak var released: PCSCThread?
            do {
                let context = try await PCSCContext.establish()
                released = context.thread
                await context.release()
            }
            // The thread exits after its last job; a minute is a hang guard, not a timing.
            for _ in 0..<600 where released != nil { try await Task.sleep(for: .milliseconds(100)) }
            #expect(released == nil, "the released context's thread object is still alive")
        }
    }
}
