import CCCD
import Logging
import MRTD
import PCSC
import SmartCard
import Synchronization

/// What to read, and with which key.
public struct CardReadOptions: Sendable {
    public var key: ResolvedKey
    /// Put the face image's bytes in the record (`face.data`).
    public var includeFace: Bool
    /// How long to wait for a card to be placed. A card that leaves before the chip answered
    /// anything (a quick swap, a stale presence) does not end the wait.
    public var waitForCard: Duration
    public var progress: (@Sendable (String, Int, Int) -> Void)?
    /// Fixed READ BINARY size instead of the largest the link allows (benchmark, diagnostics).
    public var fixedChunkSize: Int?
    /// The read, once the card is there, must end within this or it is `timeout`
    /// (`ReadJob` holds the one deadline: `waitForCard + timeout`).
    public var timeout: Duration = .seconds(30)
    /// CSCAs, master lists and CRLs to verify against; with none the verdict is at best
    /// `unverified` (docs/design.md "Verification").
    public var trust: TrustStore = TrustStore(cscas: [], crls: [])

    public init(key: ResolvedKey, includeFace: Bool = false, waitForCard: Duration = .zero,
                progress: (@Sendable (String, Int, Int) -> Void)? = nil) {
        self.key = key
        self.includeFace = includeFace
        self.waitForCard = waitForCard
        self.progress = progress
    }

    /// Resolves `key` (a malformed one is `badKey`).
    public init(key: KeySpec, includeFace: Bool = false, waitForCard: Duration = .zero,
                progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws(ReadFailure) {
        self.init(key: try key.resolve(), includeFace: includeFace, waitForCard: waitForCard, progress: progress)
    }
}

/// The card part of a read on a PC/SC reader: wait for the card, connect, open the chip,
/// read, build the record, disconnect with reset. It sets no deadline of its own: `ReadJob`
/// bounds it from outside, where a timer can fire while a PC/SC call is blocked.
public struct CardReading: Sendable {
    private let logger = Logger(label: "cancuoc.read")

    public init() {}

    public func read(reader: Reader, identity: ReaderIdentity?, options: CardReadOptions) async throws(ReadFailure) -> CitizenRecord {
        var request = ReadRequest(key: options.key.key)
        request.alternativeBACKeys = options.key.alternatives
        request.forceBAC = options.key.forceBAC
        request.progress = options.progress
        request.fixedChunkSize = options.fixedChunkSize
        // AA as well as CA: a chip that proves DG14's key but not DG15's is not genuine either.
        request.alwaysRunActiveAuthentication = true
        // dwMaxAPDUDataSize 0 means short APDUs only (PC/SC part 10).
        request.readerMaxResponse = identity?.maxAPDUDataSize.map { $0 == 0 ? 256 : $0 }
        let waitUntil = ContinuousClock.now + options.waitForCard
        do {
            while true {
                try await Self.waitForCard(reader, timeout: max(.zero, waitUntil - .now))
                let answered = AnswerCounter()
                do {
                    // The protocol runs on the context's own thread: no hop per APDU.
                    let read = try await withTaskExecutorPreference(reader.context.taskExecutor) { [request] in
                        try await reader.withCard(share: .shared) { card in
                            try await card.withTransaction {
                                try await DocumentReader().read(over: CountingChannel(base: card, answered: answered), request: request)
                            }
                        }
                    }
                    return try CitizenRecord.build(from: read, includeFace: options.includeFace, trust: options.trust)
                } catch {
                    // Gone before the chip said anything (a quick swap, a stale presence):
                    // not this read's card. Wait for the next one while the wait lasts.
                    let failure = ReadFailure.classify(error)
                    guard answered.count == 0, failure == .cardRemoved || failure == .noCard,
                          ContinuousClock.now < waitUntil else { throw failure }
                    logger.debug("card left before answering; waiting for the next", metadata: ["reader": "\(reader.name)"])
                    try await Self.waitForCardToLeave(reader, until: waitUntil)
                }
            }
        } catch {
            let failure = ReadFailure.classify(error)
            logger.info("read failed", metadata: ["reader": "\(reader.name)", "reason": "\(failure.reason)"])
            throw failure
        }
    }

    /// Returns when a card is present; throws `noCard` after `timeout`.
    public static func waitForCard(_ reader: Reader, timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var state = try await reader.context.currentStates(of: [reader.name]).first ?? ReaderState(name: reader.name)
        while true {
            if state.isUnknown { throw ReadFailure.noReader("the reader is gone") }
            if state.isPresent && !state.isMute { return }
            let left = deadline - clock.now
            guard left > .zero else { throw ReadFailure.noCard }
            try Task.checkCancellation()
            // Bounded slices so cancellation is noticed quickly.
            if let changed = try await reader.context.getStatusChange([state.acknowledged()], timeout: min(left, .milliseconds(500)))?.first {
                state = changed
            }
        }
    }

    /// Returns once the reader reports no card (or at `until`), so a stale presence is not
    /// taken for the next card.
    static func waitForCardToLeave(_ reader: Reader, until: ContinuousClock.Instant) async throws {
        var state = try await reader.context.currentStates(of: [reader.name]).first ?? ReaderState(name: reader.name)
        while state.isPresent, ContinuousClock.now < until {
            try Task.checkCancellation()
            if let changed = try await reader.context.getStatusChange(
                [state.acknowledged()], timeout: min(until - .now, .milliseconds(500)))?.first {
                state = changed
            }
        }
    }
}

/// Counts the answers a card gave, to tell "the card left before saying anything" from a
/// card lost in the middle of a read.
final class AnswerCounter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
}

/// A `CardChannel` decorator that counts answered commands.
struct CountingChannel: CardChannel {
    let base: any CardChannel
    let answered: AnswerCounter

    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let response = try await base.transmit(command)
        answered.add()
        return response
    }
}
