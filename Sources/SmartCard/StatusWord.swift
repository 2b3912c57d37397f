/// The two trailing bytes of every response (ISO/IEC 7816-4 §5.1.3).
public struct StatusWord: Hashable, Sendable, CustomStringConvertible {
    public let sw1: UInt8
    public let sw2: UInt8

    public init(sw1: UInt8, sw2: UInt8) {
        self.sw1 = sw1
        self.sw2 = sw2
    }

    public init(_ value: UInt16) {
        self.init(sw1: UInt8(value >> 8), sw2: UInt8(value & 0xFF))
    }

    public var value: UInt16 { UInt16(sw1) << 8 | UInt16(sw2) }

    public static let success = StatusWord(0x9000)
    public static let endOfFileReached = StatusWord(0x6282)
    public static let wrongLength = StatusWord(0x6700)
    public static let securityStatusNotSatisfied = StatusWord(0x6982)
    public static let authenticationMethodBlocked = StatusWord(0x6983)
    public static let conditionsNotSatisfied = StatusWord(0x6985)
    public static let commandNotAllowedNoEF = StatusWord(0x6986)
    public static let smDataObjectsMissing = StatusWord(0x6987)
    public static let smDataObjectsIncorrect = StatusWord(0x6988)
    public static let wrongData = StatusWord(0x6A80)
    public static let functionNotSupported = StatusWord(0x6A81)
    public static let fileNotFound = StatusWord(0x6A82)
    public static let incorrectP1P2 = StatusWord(0x6A86)
    public static let wrongP1P2 = StatusWord(0x6B00)
    public static let insNotSupported = StatusWord(0x6D00)
    public static let claNotSupported = StatusWord(0x6E00)
    public static let noPreciseDiagnosis = StatusWord(0x6F00)

    /// `90 00` and the `61 xx` "more data available" family.
    public var isSuccess: Bool { self == .success || sw1 == 0x61 }
    /// `62 xx` / `63 xx`: processing completed with a warning.
    public var isWarning: Bool { sw1 == 0x62 || sw1 == 0x63 }

    /// A short English name for logs and diagnostics.
    public var name: String {
        switch (sw1, sw2) {
        case (0x90, 0x00): return "success"
        case (0x61, _): return "\(sw2) bytes available"
        case (0x62, 0x82): return "end of file reached"
        case (0x62, _): return "warning (state unchanged)"
        case (0x63, let x) where x & 0xF0 == 0xC0: return "verification failed, \(x & 0x0F) tries left"
        case (0x63, _): return "warning (state changed)"
        case (0x64, _): return "execution error (state unchanged)"
        case (0x65, _): return "execution error (memory)"
        case (0x67, 0x00): return "wrong length"
        case (0x68, _): return "function in CLA not supported"
        case (0x69, 0x82): return "security status not satisfied"
        case (0x69, 0x83): return "authentication method blocked"
        case (0x69, 0x84): return "reference data not usable"
        case (0x69, 0x85): return "conditions of use not satisfied"
        case (0x69, 0x86): return "command not allowed (no current EF)"
        case (0x69, 0x87): return "expected secure messaging data objects missing"
        case (0x69, 0x88): return "incorrect secure messaging data objects"
        case (0x69, _): return "command not allowed"
        case (0x6A, 0x80): return "incorrect data field"
        case (0x6A, 0x81): return "function not supported"
        case (0x6A, 0x82): return "file or application not found"
        case (0x6A, 0x86): return "incorrect P1-P2"
        case (0x6A, 0x88): return "referenced data not found"
        case (0x6A, _): return "wrong parameters"
        case (0x6B, 0x00): return "wrong parameters P1-P2"
        case (0x6C, _): return "wrong Le: \(sw2) bytes available"
        case (0x6D, 0x00): return "instruction not supported"
        case (0x6E, 0x00): return "class not supported"
        case (0x6F, 0x00): return "no precise diagnosis"
        default: return "unknown status"
        }
    }

    public var hex: String { Hex.encode([sw1, sw2]) }
    public var description: String { "\(hex) (\(name))" }
}
