/// ICAO 9303-3 §4.9 check digits: weights 7, 3, 1 over digits, letters (A=10…Z=35) and `<` (0).
public enum CheckDigit {
    /// The check digit of `text`, or `nil` when it holds a character an MRZ cannot.
    public static func compute<S: StringProtocol>(_ text: S) -> Character? {
        let weights = [7, 3, 1]
        var sum = 0
        for (i, c) in text.utf8.enumerated() {
            let v: Int
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = Int(c - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = Int(c - UInt8(ascii: "A")) + 10
            case UInt8(ascii: "<"): v = 0
            default: return nil
            }
            sum += v * weights[i % 3]
        }
        return Character(String(sum % 10))
    }

    public static func isValid<S: StringProtocol>(_ text: S, digit: Character) -> Bool {
        compute(text) == digit
    }
}
