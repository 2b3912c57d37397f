import MRTD
import PCSC

/// Why a read produced no record, in the terms a user acts on. Every error of every layer
/// is classified here once; the exit codes (design.md §9.2) and the API error codes (§9.3)
/// are mapped from this type and nowhere else.
public enum ReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case noReader(String)
    case noCard
    case wrongKey
    case cardRemoved
    case readerBusy
    case unreadableCard(String)
    case pcscUnavailable(String)
    case timeout
    case cancelled
    /// The access key as given cannot open a card; the `KeyError` says what to type or scan.
    case badKey(KeyError)
    case `internal`(String)

    /// Classifies any error from PC/SC, MRTD or CCCD.
    public static func classify(_ error: any Error) -> ReadFailure {
        switch error {
        case let f as ReadFailure: return f
        case let e as PCSCError: return classify(e)
        case let e as ReadError:
            switch e {
            case .wrongKey: return .wrongKey
            case .accessFailed(let why): return .unreadableCard(why)
            case .unreadable(let why): return .unreadableCard(why)
            case .transport(let inner): return classify(inner)
            }
        case is CancellationError: return .cancelled
        default: return .internal(String(describing: error))
        }
    }

    static func classify(_ e: PCSCError) -> ReadFailure {
        switch e.category {
        case .serviceUnavailable: return .pcscUnavailable("pcscd is not reachable (\(e.name))")
        case .permissionDenied: return .pcscUnavailable("pcscd refused access (\(e.name)): check the polkit rules")
        case .noReaders, .unknownReader: return .noReader("the reader is gone (\(e.name))")
        case .noCard: return .noCard
        case .cardRemoved, .communication: return .cardRemoved
        case .sharingViolation: return .readerBusy
        case .timeout: return .timeout
        case .cancelled: return .cancelled
        default: return .internal("PC/SC: \(e)")
        }
    }

    /// The stable reason string of the API (`data.reason`, design.md §9.3).
    public var reason: String {
        switch self {
        case .noReader: return "noReader"
        case .noCard: return "noCard"
        case .wrongKey: return "wrongKey"
        case .cardRemoved: return "cardRemoved"
        case .readerBusy: return "readerBusy"
        case .unreadableCard: return "unreadableCard"
        case .pcscUnavailable: return "pcscUnavailable"
        case .timeout: return "timeout"
        case .cancelled: return "cancelled"
        case .badKey: return "badKey"
        case .internal: return "internal"
        }
    }

    /// API error code (design.md §9.3). A malformed key is invalid params.
    public var apiCode: Int {
        switch self {
        case .noReader: return 1001
        case .noCard: return 1002
        case .wrongKey: return 1003
        case .cardRemoved: return 1004
        case .readerBusy: return 1005
        case .unreadableCard: return 1006
        case .pcscUnavailable: return 1007
        case .timeout: return 1008
        case .cancelled: return 1009
        case .badKey: return -32602
        case .internal: return -32603
        }
    }

    /// `cancuoc` exit code (design.md §9.2).
    public var exitCode: Int32 {
        switch self {
        case .noReader, .noCard, .timeout: return 2
        case .wrongKey: return 3
        case .cardRemoved: return 4
        case .unreadableCard: return 5
        case .pcscUnavailable: return 7
        case .badKey: return 64
        case .readerBusy, .cancelled, .internal: return 1
        }
    }

    /// English, for logs, the terminal and the API `message`. Never holds personal data.
    public var message: String {
        switch self {
        case .noReader(let s): return "No card reader: \(s)"
        case .noCard: return "No card on the reader"
        case .wrongKey: return "The chip refused the access key: check the ID number (or CAN / MRZ data)"
        case .cardRemoved: return "The card was removed or the connection was lost during the read: place it again"
        case .readerBusy: return "The reader is busy with another read"
        case .unreadableCard(let s): return "The card answered in a way it cannot be read: \(s)"
        case .pcscUnavailable(let s): return "The smart-card service is unavailable: \(s)"
        case .timeout: return "The card did not answer in time"
        case .cancelled: return "The read was cancelled"
        case .badKey(let key): return key.message
        case .internal(let s): return "Internal error: \(s)"
        }
    }

    /// Vietnamese, for reception staff (`data.messageVi`).
    public var messageVi: String {
        switch self {
        case .noReader: return "Không tìm thấy đầu đọc thẻ"
        case .noCard: return "Chưa có thẻ trên đầu đọc"
        case .wrongKey: return "Sai khóa truy cập thẻ: kiểm tra lại số định danh"
        case .cardRemoved: return "Thẻ đã bị rút ra hoặc mất kết nối trong khi đọc: vui lòng đặt lại thẻ"
        case .readerBusy: return "Đầu đọc đang bận"
        case .unreadableCard: return "Không đọc được thẻ này"
        case .pcscUnavailable: return "Dịch vụ đọc thẻ (pcscd) không hoạt động"
        case .timeout: return "Thẻ không phản hồi kịp thời"
        case .cancelled: return "Đã hủy việc đọc thẻ"
        case .badKey(let key): return key.messageVi
        case .internal: return "Lỗi nội bộ"
        }
    }

    public var description: String { message }
}
