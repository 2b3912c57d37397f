import CancuocAPI
import CardService
import PCSC
import SmartCard

/// One reader as the daemon knows it: who it is, whether a card is in it, and whether a read
/// is running on it. Created when the monitor reports the reader and dropped when it goes.
///
/// The session is the lock that makes reads exclusive per reader: a second `card.read`
/// while one runs gets `readerBusy` at once rather than queueing behind a read that may
/// itself wait for a card (docs/api.md). The read itself runs outside the actor so that
/// `readers.list` and events never wait for a chip.
public actor ReaderSession {
    public nonisolated let info: ReaderInfo
    public private(set) var cardPresent = false
    public private(set) var atr: [UInt8]?
    public private(set) var isReading = false
    /// The running read's caller has gone (see `claim(waitingForAbandonedReadUpTo:)`).
    private var abandoned = false

    public init(info: ReaderInfo) {
        self.info = info
    }

    /// A contactless card was placed on this reader since it was attached: it is an ID-card
    /// reader even when empty and its name says nothing (docs/design.md §9.5).
    public private(set) var sawContactlessCard = false

    func cardInserted(atr: [UInt8]) {
        cardPresent = true
        self.atr = atr
        if (try? ATR(atr))?.isContactless == true { sawContactlessCard = true }
    }

    /// What the reader is for, from its name and features and the cards seen on it.
    public var classification: ReaderClassification {
        candidate.classification
    }

    var candidate: ReaderSelection.Candidate {
        ReaderSelection.Candidate(
            info: info,
            cardPresent: cardPresent,
            atr: atr,
            sawContactlessCard: sawContactlessCard
        )
    }

    func cardRemoved() {
        cardPresent = false
        atr = nil
    }

    /// Claims the reader for one read; `release()` must follow on every path.
    func claim() throws(ReadFailure) {
        guard !isReading else { throw .readerBusy }
        isReading = true
        abandoned = false
    }

    /// Claims the reader; if the read on it now was abandoned by its caller (cancelled: the
    /// client left) and is only finishing its PC/SC exchange, waits up to `patience` for it to
    /// end instead of answering `readerBusy` to someone who has nothing to do with it.
    func claim(waitingForAbandonedReadUpTo patience: Duration) async throws(ReadFailure) {
        let deadline = ContinuousClock.now + patience
        while isReading, abandoned, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { throw .cancelled }
        }
        try claim()
    }

    /// The caller of the running read has gone; the read ends on its own.
    func abandon() {
        if isReading { abandoned = true }
    }

    func release() {
        abandoned = false
        isReading = false
    }

    /// What `readers.list` shows.
    func listing() -> ReaderListing {
        ReaderListing(
            id: info.id.rawValue,
            name: info.name,
            identity: ReaderIdentityListing(info.identity),
            cardPresent: cardPresent,
            atr: atr,
            busy: isReading,
            kind: classification.kind
        )
    }
}
