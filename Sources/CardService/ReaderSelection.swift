import PCSC

/// Picks the reader a request means (docs/design.md §9.5): the stable id or PC/SC name when
/// given; else, among the readers that may read ID cards (not contact-only, not holding a
/// contact card such as a signature token), the only one, else the only one with a card, else
/// the only one known to be contactless.
public enum ReaderSelection {
    /// One reader as the selection sees it.
    public struct Candidate: Sendable, Hashable {
        public var info: ReaderInfo
        public var cardPresent: Bool
        public var classification: ReaderClassification

        public init(info: ReaderInfo, cardPresent: Bool, classification: ReaderClassification) {
            self.info = info
            self.cardPresent = cardPresent
            self.classification = classification
        }

        /// A reader with the card state pcscd reports (`atr` empty without a card), classified.
        public init(info: ReaderInfo, cardPresent: Bool, atr: [UInt8]?, sawContactlessCard: Bool = false) {
            self.init(
                info: info,
                cardPresent: cardPresent,
                classification: .classify(
                    name: info.name,
                    identity: info.identity,
                    atr: cardPresent ? atr : nil,
                    sawContactlessCard: sawContactlessCard
                )
            )
        }
    }

    public static func choose(_ wanted: String?, among candidates: [Candidate]) throws(ReadFailure) -> ReaderInfo {
        if let wanted {
            guard let r = candidates.first(where: { $0.info.matches(wanted) }) else {
                throw .noReader("no reader named \(wanted)")
            }
            if r.classification.holdsContactCard { throw .noReader(Self.holdsContactCard(r.info.name)) }
            return r.info
        }
        guard !candidates.isEmpty else { throw .noReader("no reader is connected") }
        let eligible = candidates.filter(\.classification.mayReadIDCards)
        switch eligible.count {
        case 0:
            let names = candidates.map(\.info.name).joined(separator: ", ")
            throw .noReader(
                "only contact-card readers are connected (\(names): a digital-signature token is one); plug in the ID-card reader"
            )
        case 1:
            return eligible[0].info
        default:
            let withCard = eligible.filter(\.cardPresent)
            if withCard.count == 1 { return withCard[0].info }
            let contactless = eligible.filter { $0.classification.kind == .contactless }
            if contactless.count == 1 { return contactless[0].info }
            throw .noReader(
                "\(eligible.count) ID-card readers are connected: choose one with --reader (or the API's reader)"
            )
        }
    }

    static func holdsContactCard(_ name: String) -> String {
        "\(name) holds a contact card (a digital-signature token, for example), not a chip ID card: choose the ID-card reader"
    }
}
