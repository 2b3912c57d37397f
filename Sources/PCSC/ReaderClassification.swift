import SmartCard

/// A reader's kind with what it was concluded from, and whether it now holds a contact card.
public struct ReaderClassification: Sendable, Hashable {
    /// What the kind was concluded from, strongest first.
    public enum Basis: String, Sendable, Hashable {
        /// A contactless card was seen on it (a chip ID card was read there, or placed).
        case contactlessCardSeen
        /// The card on it now has a contactless ATR (PC/SC part 3: `3B 8n 80 01 …`).
        case contactlessATR
        /// The card on it now has a contact ATR (ISO/IEC 7816-3): a token or a contact card.
        case contactATR
        /// Its PC/SC name (`… PICC …`, `… CL Reader`, `ePass2003`, `eToken`, `… ICC …`).
        case name
        /// A PIN pad (PC/SC part 10 `FEATURE_VERIFY_PIN_DIRECT`): a contact reader for signatures.
        case pinPad
        /// Nothing told.
        case nothing
    }

    public var kind: ReaderKind
    public var basis: Basis
    /// The card on the reader now has a contact ATR: no command may be sent to it.
    public var holdsContactCard: Bool
    /// The card on the reader now is one of ours by its ATR (`KnownCard`, docs/troubleshooting.md).
    public var knownCard: KnownCard? = nil
    /// The ID card pushed into a contact slot: tried over the contact interface, never a
    /// command to anything else in a contact slot.
    public var holdsIDCardContactChip: Bool { knownCard == .vietnameseIDCardContactChip }

    public init(kind: ReaderKind, basis: Basis, holdsContactCard: Bool) {
        self.kind = kind
        self.basis = basis
        self.holdsContactCard = holdsContactCard
    }

    /// Readers a request without a reader may choose: not contact-only, not holding a contact card.
    public var mayReadIDCards: Bool { kind != .contactOnly && !holdsContactCard || holdsIDCardContactChip }

    /// Classifies from the reader's name, its part 10 features, the ATR of the card on it now
    /// (nil or empty: no card) and whether a contactless card was ever seen on it.
    public static func classify(
        name: String,
        identity: ReaderIdentity = ReaderIdentity(),
        atr: [UInt8]? = nil,
        sawContactlessCard: Bool = false
    ) -> ReaderClassification {
        let parsed = atr.flatMap { $0.isEmpty ? nil : try? ATR($0) }
        let known = parsed.flatMap { KnownCard.identify($0.bytes) }
        let holdsContact = parsed.map { !$0.isContactless && known == nil } ?? false
        if sawContactlessCard {
            var c = Self(kind: .contactless, basis: .contactlessCardSeen, holdsContactCard: holdsContact)
            c.knownCard = known
            return c
        }
        if let parsed {
            var c =
                parsed.isContactless
                ? Self(kind: .contactless, basis: .contactlessATR, holdsContactCard: false)
                : Self(kind: .contactOnly, basis: .contactATR, holdsContactCard: known == nil)
            c.knownCard = known
            return c
        }
        let words = ([name] + [identity.vendor, identity.product].compactMap { $0 }).flatMap(Self.words)
        if words.contains(where: { w in contactBrands.contains { w.hasPrefix($0) } }) {
            return Self(kind: .contactOnly, basis: .name, holdsContactCard: false)
        }
        if words.contains(where: contactlessWords.contains)
            || words.contains(where: { w in contactlessModels.contains { w.hasPrefix($0) } })
        {
            return Self(kind: .contactless, basis: .name, holdsContactCard: false)
        }
        if words.contains(where: contactWords.contains) {
            return Self(kind: .contactOnly, basis: .name, holdsContactCard: false)
        }
        if identity.features[ReaderFeatures.Tag.verifyPINDirect] != nil
            || identity.features[ReaderFeatures.Tag.modifyPINDirect] != nil
        {
            return Self(kind: .contactOnly, basis: .pinPad, holdsContactCard: false)
        }
        return Self(kind: .unknown, basis: .nothing, holdsContactCard: false)
    }

    /// Lower-cased alphanumeric words: "ACS ACR1252 1S CL Reader PICC 00 00" → acs, acr1252, 1s, cl, reader, picc, 00, 00.
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// Whole words naming the contactless interface (ACS `PICC`, Identiv/HID `CL`, `Contactless`).
    static let contactlessWords: Set<String> = ["picc", "cl", "contactless", "nfc", "rfid"]
    /// Contactless-only reader models, as a word's start.
    static let contactlessModels: [String] = ["acr122", "acr1252", "acr1255", "acr1552", "scl3711", "5022cl", "5422cl"]
    /// Signature-token makers and the Vietnamese CAs that hand tokens out, as a word's start.
    static let contactBrands: [String] = [
        "etoken", "epass", "rutoken", "safenet", "bit4id", "token", "ikey",
        "vnpt", "viettel", "bkav", "newca", "fastca", "ecomca", "cyberlotus",
    ]
    /// Whole words naming a contact interface (ACS dual readers' contact slot is `ICC`; `SAM` slots).
    static let contactWords: Set<String> = ["icc", "sam", "contact"]
}
