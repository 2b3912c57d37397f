/// An error returned by pcsc-lite: the raw code, its name and what a caller can do about it.
public struct PCSCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the caller can do: retry later, ask for a reader, ask for a card, wait for the
    /// other user of the card, give up. Maps onto exit codes and API errors in one place each.
    public enum Category: String, Sendable, Hashable {
        /// pcscd is not running, was restarted, or our context is no longer valid: re-establish.
        case serviceUnavailable
        case noReaders
        case unknownReader
        case noCard
        case cardRemoved
        /// Another process holds the card (exclusive or in a transaction).
        case sharingViolation
        case communication
        case timeout
        case cancelled
        /// polkit or pcscd refused us (`SCARD_W_SECURITY_VIOLATION`).
        case permissionDenied
        case other
    }

    /// The `LONG` returned by pcsc-lite, as an unsigned 32-bit value (e.g. `0x8010001D`).
    public let code: UInt32
    /// The pcsc-lite function that failed, for logs.
    public let function: String

    public init(code: UInt32, function: String = "") {
        self.code = code
        self.function = function
    }

    /// Builds from the `LONG` a pcsc-lite call returned (imported as `Int`).
    public init(rv: Int, function: String = "") {
        self.init(code: UInt32(truncatingIfNeeded: rv), function: function)
    }

    public var name: String { Self.names[code] ?? "SCARD_0x" + String(code, radix: 16, uppercase: true) }

    public var category: Category {
        switch code {
        case Code.noService, Code.serviceStopped, Code.commError, Code.invalidHandle,
            Code.noMemory, Code.serverTooBusy:
            return .serviceUnavailable
        case Code.noReadersAvailable: return .noReaders
        case Code.unknownReader, Code.readerUnavailable: return .unknownReader
        case Code.noSmartcard, Code.unpoweredCard, Code.unresponsiveCard, Code.unsupportedCard: return .noCard
        case Code.removedCard, Code.resetCard: return .cardRemoved
        case Code.sharingViolation: return .sharingViolation
        case Code.notTransacted, Code.protoMismatch, Code.commDataLost, Code.notReady, Code.internalError,
            Code.unknownError:
            return .communication
        case Code.timeout, Code.waitedTooLong: return .timeout
        case Code.cancelled, Code.systemCancelled: return .cancelled
        case Code.securityViolation: return .permissionDenied
        default: return .other
        }
    }

    public var description: String {
        let hex = String(code, radix: 16, uppercase: true)
        return function.isEmpty ? "\(name) (0x\(hex))" : "\(function): \(name) (0x\(hex))"
    }

    /// The codes we act on (`pcsclite.h`).
    public enum Code {
        public static let success: UInt32 = 0x0000_0000
        public static let internalError: UInt32 = 0x8010_0001
        public static let cancelled: UInt32 = 0x8010_0002
        public static let invalidHandle: UInt32 = 0x8010_0003
        public static let invalidParameter: UInt32 = 0x8010_0004
        public static let noMemory: UInt32 = 0x8010_0006
        public static let waitedTooLong: UInt32 = 0x8010_0007
        public static let insufficientBuffer: UInt32 = 0x8010_0008
        public static let unknownReader: UInt32 = 0x8010_0009
        public static let timeout: UInt32 = 0x8010_000A
        public static let sharingViolation: UInt32 = 0x8010_000B
        public static let noSmartcard: UInt32 = 0x8010_000C
        public static let protoMismatch: UInt32 = 0x8010_000F
        public static let notReady: UInt32 = 0x8010_0010
        public static let invalidValue: UInt32 = 0x8010_0011
        public static let systemCancelled: UInt32 = 0x8010_0012
        public static let commError: UInt32 = 0x8010_0013
        public static let unknownError: UInt32 = 0x8010_0014
        public static let notTransacted: UInt32 = 0x8010_0016
        public static let readerUnavailable: UInt32 = 0x8010_0017
        public static let noService: UInt32 = 0x8010_001D
        public static let serviceStopped: UInt32 = 0x8010_001E
        public static let unsupportedFeature: UInt32 = 0x8010_001F
        public static let noReadersAvailable: UInt32 = 0x8010_002E
        public static let commDataLost: UInt32 = 0x8010_002F
        public static let serverTooBusy: UInt32 = 0x8010_0031
        public static let unsupportedCard: UInt32 = 0x8010_0065
        public static let unresponsiveCard: UInt32 = 0x8010_0066
        public static let unpoweredCard: UInt32 = 0x8010_0067
        public static let resetCard: UInt32 = 0x8010_0068
        public static let removedCard: UInt32 = 0x8010_0069
        public static let securityViolation: UInt32 = 0x8010_006A
    }

    static let names: [UInt32: String] = [
        0x0000_0000: "SCARD_S_SUCCESS",
        0x8010_0001: "SCARD_F_INTERNAL_ERROR", 0x8010_0002: "SCARD_E_CANCELLED",
        0x8010_0003: "SCARD_E_INVALID_HANDLE", 0x8010_0004: "SCARD_E_INVALID_PARAMETER",
        0x8010_0005: "SCARD_E_INVALID_TARGET", 0x8010_0006: "SCARD_E_NO_MEMORY",
        0x8010_0007: "SCARD_F_WAITED_TOO_LONG", 0x8010_0008: "SCARD_E_INSUFFICIENT_BUFFER",
        0x8010_0009: "SCARD_E_UNKNOWN_READER", 0x8010_000A: "SCARD_E_TIMEOUT",
        0x8010_000B: "SCARD_E_SHARING_VIOLATION", 0x8010_000C: "SCARD_E_NO_SMARTCARD",
        0x8010_000D: "SCARD_E_UNKNOWN_CARD", 0x8010_000E: "SCARD_E_CANT_DISPOSE",
        0x8010_000F: "SCARD_E_PROTO_MISMATCH", 0x8010_0010: "SCARD_E_NOT_READY",
        0x8010_0011: "SCARD_E_INVALID_VALUE", 0x8010_0012: "SCARD_E_SYSTEM_CANCELLED",
        0x8010_0013: "SCARD_F_COMM_ERROR", 0x8010_0014: "SCARD_F_UNKNOWN_ERROR",
        0x8010_0015: "SCARD_E_INVALID_ATR", 0x8010_0016: "SCARD_E_NOT_TRANSACTED",
        0x8010_0017: "SCARD_E_READER_UNAVAILABLE", 0x8010_0018: "SCARD_P_SHUTDOWN",
        0x8010_0019: "SCARD_E_PCI_TOO_SMALL", 0x8010_001A: "SCARD_E_READER_UNSUPPORTED",
        0x8010_001B: "SCARD_E_DUPLICATE_READER", 0x8010_001C: "SCARD_E_CARD_UNSUPPORTED",
        0x8010_001D: "SCARD_E_NO_SERVICE", 0x8010_001E: "SCARD_E_SERVICE_STOPPED",
        0x8010_001F: "SCARD_E_UNSUPPORTED_FEATURE", 0x8010_0020: "SCARD_E_ICC_INSTALLATION",
        0x8010_0021: "SCARD_E_ICC_CREATEORDER", 0x8010_0023: "SCARD_E_DIR_NOT_FOUND",
        0x8010_0024: "SCARD_E_FILE_NOT_FOUND", 0x8010_0025: "SCARD_E_NO_DIR",
        0x8010_0026: "SCARD_E_NO_FILE", 0x8010_0027: "SCARD_E_NO_ACCESS",
        0x8010_0028: "SCARD_E_WRITE_TOO_MANY", 0x8010_0029: "SCARD_E_BAD_SEEK",
        0x8010_002A: "SCARD_E_INVALID_CHV", 0x8010_002B: "SCARD_E_UNKNOWN_RES_MNG",
        0x8010_002C: "SCARD_E_NO_SUCH_CERTIFICATE", 0x8010_002D: "SCARD_E_CERTIFICATE_UNAVAILABLE",
        0x8010_002E: "SCARD_E_NO_READERS_AVAILABLE", 0x8010_002F: "SCARD_E_COMM_DATA_LOST",
        0x8010_0030: "SCARD_E_NO_KEY_CONTAINER", 0x8010_0031: "SCARD_E_SERVER_TOO_BUSY",
        0x8010_0065: "SCARD_W_UNSUPPORTED_CARD", 0x8010_0066: "SCARD_W_UNRESPONSIVE_CARD",
        0x8010_0067: "SCARD_W_UNPOWERED_CARD", 0x8010_0068: "SCARD_W_RESET_CARD",
        0x8010_0069: "SCARD_W_REMOVED_CARD", 0x8010_006A: "SCARD_W_SECURITY_VIOLATION",
        0x8010_006B: "SCARD_W_WRONG_CHV", 0x8010_006C: "SCARD_W_CHV_BLOCKED",
        0x8010_006D: "SCARD_W_EOF", 0x8010_006E: "SCARD_W_CANCELLED_BY_USER",
        0x8010_006F: "SCARD_W_CARD_NOT_AUTHENTICATED",
    ]
}

/// Turns a pcsc-lite return value into a thrown `PCSCError` unless it is `SCARD_S_SUCCESS`.
@inline(__always)
func check(_ rv: Int, _ function: String) throws(PCSCError) {
    if rv != 0 { throw PCSCError(rv: rv, function: function) }
}
