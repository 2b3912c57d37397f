import CCCD
import Logging
import MRTD
import PCSC
import SmartCard

/// What to read, beyond the key.
public struct CardReadOptions: Sendable {
    public var key: KeySpec
    /// Put the face image's bytes in the record (`face.data`).
    public var includeFace: Bool
    /// How long to wait for a card to be placed.
    public var waitForCard: Duration
    public var progress: (@Sendable (String, Int, Int) -> Void)?
    /// Fixed READ BINARY size instead of the largest the link allows (benchmark, diagnostics).
    public var fixedChunkSize: Int?
    /// The whole read (after the card is there) must end within this, or it is `timeout`.
    public var timeout: Duration = .seconds(30)
    /// CSCAs, master lists and CRLs to verify against; with none the verdict is at best
    /// `unverified` (design.md §9.4).
    public var trust: TrustStore = TrustStore(cscas: [], crls: [])

    public init(key: KeySpec, includeFace: Bool = false, waitForCard: Duration = .zero,
                progress: (@Sendable (String, Int, Int) -> Void)? = nil) {
        self.key = key
        self.includeFace = includeFace
        self.waitForCard = waitForCard
        self.progress = progress
    }
}

/// One complete read of a card in a PC/SC reader: wait for the card, connect, open the chip,
/// read, build the record, disconnect with reset. Shared by `cancuoc read` and the daemon.
public struct CardReading: Sendable {
    private let logger = Logger(label: "cancuoc.read")

    public init() {}

    public func read(reader: Reader, identity: ReaderIdentity?, options: CardReadOptions) async throws(ReadFailure) -> CitizenRecord {
        let (key, alternatives, forceBAC) = try options.key.resolve()
        do {
            let state = try await Self.waitForCard(reader, timeout: options.waitForCard)
            // Never a command to a contact card (a signature token may count it against its PIN).
            if ReaderClassification.classify(name: reader.name, atr: state.atr).holdsContactCard {
                throw ReadFailure.unreadableCard(Self.contactCardOnReader)
            }
            var request = ReadRequest(key: key)
            request.alternativeBACKeys = alternatives
            request.forceBAC = forceBAC
            request.progress = options.progress
            request.fixedChunkSize = options.fixedChunkSize
            // AA as well as CA: a chip that proves DG14's key but not DG15's is not genuine either.
            request.alwaysRunActiveAuthentication = true
            // dwMaxAPDUDataSize 0 means short APDUs only (PC/SC part 10).
            request.readerMaxResponse = identity?.maxAPDUDataSize.map { $0 == 0 ? 256 : $0 }
            let read = try await withDeadline(options.timeout, executor: reader.context.taskExecutor) { [request] in
                try await reader.withCard(share: .shared) { card in
                    try await card.withTransaction {
                        try await DocumentReader().read(over: card, request: request)
                    }
                }
            }
            var record = try CitizenRecord(chipRead: read, includeFaceData: options.includeFace)
            record.verification = CitizenRecord.Verification.verify(
                files: read.files, dg13: read.files[.dg13].flatMap { try? DG13($0) }, trust: options.trust,
                chipAuthentication: read.chipAuthentication, activeAuthentication: read.activeAuthentication)
            return record
        } catch {
            let failure = ReadFailure.classify(error)
            logger.info("read failed", metadata: ["reader": "\(reader.name)", "reason": "\(failure.reason)"])
            throw failure
        }
    }

    static let contactCardOnReader = "the card on this reader is a contact card (a digital-signature token or a bank card), not a chip ID card: place the ID card on the ID-card reader"

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
            if let changed = try await reader.context.getStatusChange([state.acknowledged()], timeout: min(left, .milliseconds(500)))?.first {
                state = changed
            }
        }
    }
}
