import CardSimulator
import Foundation
import PCSC
import SmartCard
import TestBench
import Testing

extension PCSCIntegration {
    /// What a user does through a real pcscd: list readers, insert a card, read a file, survive a
    /// pcscd restart. Private pcscd + vpcd + `FileSystemCard` (docs/design.md §7, §10).
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct ReadThroughPCSC {
        static let aid: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
        static let com: [UInt8] = [
            0x60, 0x16, 0x5F, 0x01, 0x04, 0x30, 0x31, 0x30, 0x37, 0x5F, 0x36, 0x06,
            0x30, 0x34, 0x30, 0x30, 0x30, 0x30, 0x5C, 0x04, 0x61, 0x75, 0x6D, 0x6E,
        ]

        static func card() -> FileSystemCard {
            FileSystemCard(applications: [.init(aid: aid, files: [0x011E: com])])
        }

        @Test func virtualReaderIsListed() async throws {
            let bench = try await PCSCBench.shared()
            let context = try await PCSCContext.establish()
            defer { Task { await context.release() } }
            let names = try await context.listReaders()
            #expect(names.contains("Virtual PCD 00 00"))
            #expect(names.contains(bench.readerName(slot: 1)))
        }

        @Test func cardInsertedAndRemovedAreReported() async throws {
            let bench = try await PCSCBench.shared()
            await bench.remove(slot: 0)
            let recorder = await EventRecorder.start()
            defer { Task { await recorder.stop() } }
            let name = bench.readerName(slot: 0)
            _ = try await recorder.next { if case .attached(let info) = $0 { info.name == name } else { false } }

            try await bench.insert(card: Self.card(), slot: 0)
            let inserted = try await recorder.next { if case .cardInserted(name, _) = $0 { true } else { false } }
            #expect(inserted == .cardInserted(reader: name, atr: FileSystemCard.defaultATR))

            await bench.remove(slot: 0)
            _ = try await recorder.next { $0 == .cardRemoved(reader: name) }
        }

        @Test func selectAndReadBinaryRoundTrip() async throws {
            let bench = try await PCSCBench.shared()
            let context = try await PCSCContext.establish()
            defer { Task { await context.release() } }
            let reader = context.reader(named: bench.readerName(slot: 0))
            try await bench.insert(card: Self.card(), slot: 0)

            let data = try await reader.withCard { card in
                #expect(try await card.atr() == FileSystemCard.defaultATR)
                return try await card.withTransaction {
                    try await card.transmitChecked(
                        CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: Self.aid),
                        step: "SELECT AID"
                    )
                    try await card.transmitChecked(
                        CommandAPDU(ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]),
                        step: "SELECT EF.COM"
                    )
                    let head = try await card.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 0, ne: 4))
                    #expect(head.status == .success)
                    let rest = try await card.transmit(CommandAPDU(ins: 0xB0, p1: 0, p2: 4, ne: 256))
                    #expect(rest.status == .endOfFileReached)
                    return head.data + rest.data
                }
            }
            #expect(data == Self.com)

            // Round-trip time through pcscd + vpcd (TCP_NODELAY + QUICKACK): reported, not asserted.
            let perAPDU = try await reader.withCard { card in
                let start = ContinuousClock.now
                for _ in 0..<50 {
                    _ = try await card.transmit(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: Self.aid))
                }
                return (ContinuousClock.now - start) / 50
            }
            print("ReadThroughPCSC: \(perAPDU) per APDU through vpcd")
            await bench.remove(slot: 0)
        }

        @Test func vpcdHasNoIdentitySoTheIDIsTheName() async throws {
            let bench = try await PCSCBench.shared()
            let context = try await PCSCContext.establish()
            defer { Task { await context.release() } }
            let name = bench.readerName(slot: 0)
            let identity = await ReaderIdentity.read(from: context.reader(named: name))
            #expect(identity.vendor == nil)
            #expect(identity.product == nil)
            #expect(identity.serialNumber == nil)
            #expect(identity.vendorID == nil)
            #expect(identity.productID == nil)
            #expect(identity.firmware == nil)
            #expect(identity.maxAPDUDataSize == nil)
            #expect(ReaderID(name: name, identity: identity).rawValue == name)
        }

        @Test func monitorRecoversAfterPCSCDRestart() async throws {
            let bench = try await PCSCBench.shared()
            let recorder = await EventRecorder.start(
                ReaderMonitor(pollInterval: .milliseconds(500), maxBackoff: .seconds(1))
            )
            defer { Task { await recorder.stop() } }
            let name = bench.readerName(slot: 0)
            _ = try await recorder.next { if case .attached(let info) = $0 { info.name == name } else { false } }

            try await bench.restartPCSCD()
            let outage = try await recorder.next(within: .seconds(30)) {
                if case .serviceUnavailable = $0 { true } else { false }
            }
            if case .serviceUnavailable(let error) = outage { #expect(error.category == .serviceUnavailable) }
            _ = try await recorder.next(within: .seconds(30)) { $0 == .serviceRestored }
            _ = try await recorder.next(within: .seconds(30)) {
                if case .attached(let info) = $0 { info.name == name } else { false }
            }

            // And cards work again on the new pcscd.
            try await bench.withInserted(Self.card(), slot: 0) {
                _ = try await recorder.next(within: .seconds(30)) {
                    if case .cardInserted(name, _) = $0 { true } else { false }
                }
            }
        }
    }
}
