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

    public init(info: ReaderInfo) {
        self.info = info
    }

    func cardInserted(atr: [UInt8]) {
        cardPresent = true
        self.atr = atr
    }

    func cardRemoved() {
        cardPresent = false
        atr = nil
    }

    /// Claims the reader for one read; `release()` must follow on every path.
    func claim() throws(ReadFailure) {
        guard !isReading else { throw .readerBusy }
        isReading = true
    }

    func release() {
        isReading = false
    }

    /// What `readers.list` shows.
    func listing() -> ReaderListing {
        ReaderListing(id: info.id.rawValue, name: info.name, identity: info.identity, cardPresent: cardPresent,
                      atr: atr, busy: isReading)
    }
}
