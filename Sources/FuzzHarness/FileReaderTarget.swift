import Dispatch
import MRTD
import SmartCard
import Synchronization

/// `LDSFileReader` over a card that answers from the fuzz input.
///
/// Byte 0 picks the chunk size, byte 1 whether to use a short EF identifier and whether to
/// put `ResponseCollectingChannel` (61xx / 6Cxx handling) underneath. Then each answer is a
/// 2-byte big-endian length and that many bytes (data, then SW1 SW2). When the input runs
/// out the card is "removed" (the channel throws), so every read ends.
enum FileReaderTarget {
    static let chunkSizes = [1, 7, 8, 223, 231, 256, 1_000, 65_536]

    static func run(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let chunkSize = chunkSizes[Int(data[0] & 0x07)]
        let useSFI = data[1] & 0x01 != 0
        let collect = data[1] & 0x02 != 0
        let card = ScriptedCard(script: Array(data.dropFirst(2)))
        blocking {
            let channel: any CardChannel = collect ? ResponseCollectingChannel(card) : card
            var reader = LDSFileReader(channel: channel, chunkSize: chunkSize)
            _ = try? await reader.readFile(fid: 0x010D, sfi: useSFI ? 0x0D : nil, name: "DG13")
        }
    }

    /// Runs `body` to completion from a thread outside the concurrency pool (libFuzzer's).
    static func blocking(_ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        done.wait()
    }
}

/// A card whose answers are scripted by the fuzz input.
final class ScriptedCard: CardChannel, Sendable {
    struct Removed: Error {}

    private let state: Mutex<(script: [UInt8], offset: Int)>

    init(script: [UInt8]) {
        state = Mutex((script, 0))
    }

    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let answer: [UInt8]? = state.withLock { state in
            let script = state.script
            guard script.count - state.offset >= 2 else { return nil }
            let length = Int(script[state.offset]) << 8 | Int(script[state.offset + 1])
            let start = state.offset + 2
            let end = min(script.count, start + length)
            state.offset = end
            return Array(script[start..<end])
        }
        guard let answer, let response = try? ResponseAPDU(bytes: answer) else { throw Removed() }
        return response
    }
}
