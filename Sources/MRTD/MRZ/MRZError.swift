/// Why MRZ text was refused. Each case names the line (1-based) or the field, so an
/// operator who typed or scanned the MRZ knows what to correct (ICAO 9303-3 §4, 9303-4/-5).
public enum MRZError: Error, Sendable, Equatable {
    /// Neither 3 lines of 30 (TD1) nor 2 lines of 44 (TD3).
    case unsupportedFormat(lineCount: Int, lengths: [Int])
    /// A line of the recognised format has the wrong length.
    case wrongLineLength(line: Int, expected: Int, actual: Int)
    /// A character outside `A–Z 0–9 <` at a 1-based line and column.
    case invalidCharacter(line: Int, column: Int)
    /// A field's check digit does not match (ICAO 9303-3 §4.9).
    case badCheckDigit(MRZ.Field)
    /// A field has characters it cannot hold (a date with letters, a month of 13).
    case invalidField(MRZ.Field)
}
