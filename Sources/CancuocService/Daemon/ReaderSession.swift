import SmartCard
import PCSC

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

    /// A contactless card was placed on this reader since it was attached: it is an ID-card
    /// reader even when empty and its name says nothing (issue 17).
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
        ReaderSelection.Candidate(info: info, cardPresent: cardPresent, atr: atr, sawContactlessCard: sawContactlessCard)
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

    /// What `readers.list` shows (design.md §9.7).
    func listing() -> JSONValue {
        let identity = info.identity
        return [
            "id": .string(info.id.rawValue),
            "name": .string(info.name),
            "identity": [
                "vendor": identity.vendor.map(JSONValue.string) ?? .null,
                "product": identity.product.map(JSONValue.string) ?? .null,
                "vid": identity.vendorID.map { .string(Hex.word($0)) } ?? .null,
                "pid": identity.productID.map { .string(Hex.word($0)) } ?? .null,
                "serial": identity.serialNumber.map(JSONValue.string) ?? .null,
                "firmware": identity.firmware.map(JSONValue.string) ?? .null,
            ],
            "cardPresent": .bool(cardPresent),
            "atr": atr.map { .string(Hex.encode($0)) } ?? .null,
            "busy": .bool(isReading),
            "kind": .string(classification.kind.rawValue),
        ]
    }
}

extension Hex {
    /// Lower-case 4-digit VID/PID, as lsusb writes them.
    static func word(_ value: UInt16) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}
