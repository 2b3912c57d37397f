import CCCD
import Logging
import MRTD
import PCSC
import SmartCard
import Synchronization

/// One read as the card service runs it: the key, what the caller asked (`ReadOptions`, the
/// same value from the API's params to the reading plan), where progress and the identity go,
/// and what the read is verified against.
public struct CardReadRequest: Sendable {
    public var key: ResolvedKey
    public var options: ReadOptions
    /// Called once, before the face is read, with the identity verified so far (the record
    /// without the face: `faceStatus` `pending`), from a task of its own while the read goes
    /// on; always before the read returns or throws.
    public var identity: (@Sendable (CitizenRecord) -> Void)?
    public var progress: (@Sendable (String, Int, Int) -> Void)?
    /// The read, once the card is there, must end within this or it is `timeout`
    /// (`ReadJob` holds the one deadline: `options.waitForCard + timeout`).
    public var timeout: Duration = .seconds(30)
    /// CSCAs, master lists and CRLs to verify against; with none the verdict is at best
    /// `unverified` (docs/design.md "Verification"). Asked once the chip is read, not when
    /// the read starts: a read may wait a minute for its card.
    public var trust: @Sendable () -> TrustStore = { TrustStore(cscas: [], crls: []) }

    public init(
        key: ResolvedKey,
        options: ReadOptions = ReadOptions(),
        progress: (@Sendable (String, Int, Int) -> Void)? = nil
    ) {
        self.key = key
        self.options = options
        self.progress = progress
    }

    /// Resolves `key` (a malformed one is `badKey`).
    public init(
        key: KeySpec,
        options: ReadOptions = ReadOptions(),
        progress: (@Sendable (String, Int, Int) -> Void)? = nil
    ) throws(ReadFailure) {
        self.init(key: try key.resolve(), options: options, progress: progress)
    }
}

/// The card part of a read on a PC/SC reader: wait for the card, connect, open the chip,
/// read, build the record, disconnect with reset. It sets no deadline of its own: `ReadJob`
/// bounds it from outside, where a timer can fire while a PC/SC call is blocked.
public struct CardReading: Sendable {
    private let logger = Logger(label: "cancuoc.read")

    public init() {}

    public func read(
        reader: Reader,
        identity: ReaderIdentity?,
        request: CardReadRequest
    ) async throws(ReadFailure) -> CitizenRecord {
        let options = request
        var request = ReadRequest(key: options.key.key)
        request.alternativeBACKeys = options.key.alternatives
        request.forceBAC = options.key.forceBAC
        request.progress = options.progress
        request.options = options.options
        // The identity is verified beside the read (the chip goes on with the face meanwhile)
        // and always reported before the full record.
        let identityReport = Mutex<Task<Void, Never>?>(nil)
        if let identity = options.identity {
            let trust = options.trust
            request.identityRead = { read, toRead in
                identityReport.withLock {
                    $0 = Task.detached {
                        // A file that does not parse fails the whole read a moment later; nothing to say now.
                        guard var record = try? CitizenRecord.build(from: read, includeFace: false, trust: trust())
                        else { return }
                        if toRead.contains(.dg2) { record.faceStatus = .pending }
                        identity(record)
                    }
                }
            }
        }
        // AA as well as CA: a chip that proves DG14's key but not DG15's is not genuine either.
        request.alwaysRunActiveAuthentication = true
        // dwMaxAPDUDataSize 0 means short APDUs only (PC/SC part 10).
        request.readerMaxResponse = identity?.maxAPDUDataSize.map { $0 == 0 ? 256 : $0 }
        let waitUntil = ContinuousClock.now + options.options.waitForCard
        var contactChip = false
        do {
            while true {
                let state = try await Self.waitForCard(reader, timeout: max(.zero, waitUntil - .now))
                let classification = ReaderClassification.classify(name: reader.name, atr: state.atr)
                // Never a command to a contact card (a signature token may count it against its PIN),
                // unless its ATR says it is the ID card's own contact chip (docs/troubleshooting.md).
                if classification.holdsContactCard {
                    throw ReadFailure.unreadableCard(Self.contactCardOnReader)
                }
                contactChip = classification.holdsIDCardContactChip
                // Counts what the card answered: "gone before saying anything" is not this read's card.
                let wire = Mutex<CountingChannel?>(nil)
                do {
                    // The protocol runs on the context's own thread: no hop per APDU.
                    let read = try await withTaskExecutorPreference(reader.context.taskExecutor) { [request] in
                        try await reader.withCard(share: .shared) { card in
                            let counting = CountingChannel(card)
                            wire.withLock { $0 = counting }
                            return try await card.withTransaction {
                                try await DocumentReader().read(over: counting, request: request)
                            }
                        }
                    }
                    await identityReport.withLock { $0 }?.value
                    return try CitizenRecord.build(
                        from: read,
                        includeFace: options.options.includeFace,
                        trust: options.trust()
                    )
                } catch {
                    await identityReport.withLock { $0 }?.value
                    // Gone before the chip said anything (a quick swap, a stale presence):
                    // not this read's card. Wait for the next one while the wait lasts.
                    let failure = ReadFailure.classify(error)
                    guard (wire.withLock { $0 }?.snapshot.answered ?? 0) == 0,
                        failure == .cardRemoved || failure == .noCard,
                        ContinuousClock.now < waitUntil
                    else { throw failure }
                    logger.debug(
                        "card left before answering; waiting for the next",
                        metadata: ["reader": "\(reader.name)"]
                    )
                    try await Self.waitForCardToLeave(reader, until: waitUntil)
                }
            }
        } catch {
            let failure = Self.contactChipFailure(ReadFailure.classify(error), contactChip: contactChip)
            logger.info("read failed", metadata: ["reader": "\(reader.name)", "reason": "\(failure.reason)"])
            throw failure
        }
    }

    /// The ID card's contact chip that does not answer the eMRTD application: tell the person
    /// where the card goes (`ReadFailure.idCardContactChip`) instead of "cannot be read".
    static func contactChipFailure(_ failure: ReadFailure, contactChip: Bool) -> ReadFailure {
        guard contactChip, case .unreadableCard = failure else { return failure }
        return .idCardContactChip
    }

    static let contactCardOnReader =
        "the card on this reader is a contact card (a digital-signature token or a bank card), not a chip ID card: place the ID card on the ID-card reader"

    /// Returns the reader's state once a card is present; throws `noCard` after `timeout`.
    @discardableResult
    public static func waitForCard(_ reader: Reader, timeout: Duration) async throws -> ReaderState {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var state = try await reader.context.currentStates(of: [reader.name]).first ?? ReaderState(name: reader.name)
        while true {
            if state.isUnknown { throw ReadFailure.noReader("the reader is gone") }
            if state.isPresent && !state.isMute { return state }
            let left = deadline - clock.now
            guard left > .zero else { throw ReadFailure.noCard }
            try Task.checkCancellation()
            // Bounded slices so cancellation is noticed quickly.
            if let changed = try await reader.context.getStatusChange(
                [state.acknowledged()],
                timeout: min(left, .milliseconds(500))
            )?.first {
                state = changed
            }
        }
    }

    /// Returns once the reader reports no card or another card event, or after a second at
    /// most (a card swapped within one of pcscd's presence polls may never be reported absent:
    /// then the next attempt finds it), or at `until`; so a stale presence is not hammered.
    static func waitForCardToLeave(_ reader: Reader, until: ContinuousClock.Instant) async throws {
        var state = try await reader.context.currentStates(of: [reader.name]).first ?? ReaderState(name: reader.name)
        let stale = state.eventCount
        let until = min(until, .now + .seconds(1))
        while state.isPresent, state.eventCount == stale, ContinuousClock.now < until {
            try Task.checkCancellation()
            if let changed = try await reader.context.getStatusChange(
                [state.acknowledged()],
                timeout: min(until - .now, .milliseconds(500))
            )?.first {
                state = changed
            }
        }
    }
}
