/// What a reader is for, as far as its cards and PC/SC tell (docs/design.md §9.5): the API's
/// `kind`, kept here so that the API's types need nothing of PC/SC. Clinic PCs often have a USB
/// digital-signature token plugged in (tax and insurance filings): to PC/SC it is a contact
/// reader holding a contact card. It must never be taken for the ID-card reader, and never be
/// sent a command: some tokens count failed commands against their PIN.
public enum ReaderKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reads contactless cards: can read a chip ID card (CCCD).
    case contactless
    /// Reads contact cards only: a signature token, a SAM or contact slot, a bank-card reader.
    case contactOnly
    /// Nothing tells yet: no card on it, nothing in its name.
    case unknown
}
