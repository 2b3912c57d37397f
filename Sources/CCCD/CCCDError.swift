/// Why text offered as a CCCD identifier was refused; each case says what to fix.
/// The sentences people read are `KeyError`'s (CancuocService), the one place they are written.
public enum CCCDError: Error, Sendable, Equatable {
    /// The ID number is not 12 digits (docs/design.md §4).
    case invalidIDNumber
    /// Scanned text with `|`-separated fields whose first field is not a 12-digit ID: not an ID card's QR.
    case qrNotIDCard
    /// The QR of a health-insurance (BHYT) card, scanned instead of the ID card's.
    case healthInsuranceCard
    /// A date is not `YYMMDD` / a calendar date.
    case invalidDate
}
