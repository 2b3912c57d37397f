/// Why text offered as a CCCD identifier was refused; each case says what to fix.
public enum CCCDError: Error, Sendable, Equatable {
    /// The ID number is not 12 digits (docs/design.md §4).
    case invalidIDNumber
    /// The QR text has fewer than the 7 `|`-separated fields.
    case qrTooFewFields(Int)
    /// A QR field is malformed (1-based field index).
    case qrInvalidField(Int)
    /// A date is not `YYMMDD` / a calendar date.
    case invalidDate
}
