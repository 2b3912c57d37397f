import MRTD
import PCSC

/// Why a read produced no record, in the terms a user acts on. Every error of every layer
/// is classified here once; the exit codes (docs/design.md §9.2) and the API error codes (§9.3)
/// are mapped from this type and nowhere else.
public enum ReadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case noReader(String)
    case noCard
    case wrongKey
    case cardRemoved
    case readerBusy
    case unreadableCard(String)
    /// The ID card's own contact chip, in a contact slot, does not answer the ID-card
    /// application (docs/design.md §9.5): of kind `unreadableCard`, with its own sentences
    /// telling the person where the card goes.
    case idCardContactChip
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

    /// What kind of failure, without its detail: the closed list the API's `data.reason`, the
    /// usage log's outcomes and the metrics' labels are drawn from.
    public enum Kind: String, CaseIterable, Sendable {
        case noReader, noCard, wrongKey, cardRemoved, readerBusy, unreadableCard, pcscUnavailable, timeout, cancelled,
            badKey, `internal`

        /// The sentence a person reads for this kind of failure, in English: the one table of
        /// read-failure texts (the API's codes 1001–1009 take theirs from here).
        public var message: String {
            switch self {
            case .noReader: "No card reader found"
            case .noCard: "No card on the reader"
            case .wrongKey: "The chip refused the access key: check the ID number (or CAN / MRZ data)"
            case .cardRemoved: "The card was removed or the connection was lost during the read: place it again"
            case .readerBusy: "The reader is busy with another read"
            case .unreadableCard: "The card answered in a way it cannot be read"
            case .pcscUnavailable: "The smart-card service (pcscd) is unavailable"
            case .timeout: "The card did not answer in time"
            case .cancelled: "The read was cancelled"
            case .badKey: "The access key cannot open a card"
            case .internal: "Internal error"
            }
        }

        /// The same sentence in Vietnamese, for reception staff.
        public var messageVi: String {
            switch self {
            case .noReader: "Không tìm thấy đầu đọc thẻ"
            case .noCard: "Chưa có thẻ trên đầu đọc"
            case .wrongKey: "Sai khóa truy cập thẻ: kiểm tra lại số định danh (hoặc số CAN, MRZ)"
            case .cardRemoved: "Thẻ đã bị rút ra hoặc mất kết nối trong khi đọc: vui lòng đặt lại thẻ"
            case .readerBusy: "Đầu đọc đang bận, vui lòng thử lại sau giây lát"
            case .unreadableCard: "Không đọc được thẻ này (chip không được hỗ trợ hoặc bị hỏng)"
            case .pcscUnavailable: "Dịch vụ đọc thẻ (pcscd) không hoạt động"
            case .timeout: "Thẻ không phản hồi kịp thời"
            case .cancelled: "Đã hủy việc đọc thẻ"
            case .badKey: "Khóa truy cập không mở được thẻ"
            case .internal: "Lỗi nội bộ"
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .noReader: .noReader
        case .noCard: .noCard
        case .wrongKey: .wrongKey
        case .cardRemoved: .cardRemoved
        case .readerBusy: .readerBusy
        case .unreadableCard, .idCardContactChip: .unreadableCard
        case .pcscUnavailable: .pcscUnavailable
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .badKey: .badKey
        case .internal: .internal
        }
    }

    /// The stable reason string (`data.reason` of 1001–1009, the usage log's outcome).
    public var reason: String { kind.rawValue }

    /// `cancuoc`'s exit status for this failure (docs/design.md "Exit codes").
    public var exit: ExitStatus {
        switch kind {
        case .noReader, .noCard, .timeout: .noReaderOrCard
        case .wrongKey: .wrongKey
        case .cardRemoved: .cardRemoved
        case .unreadableCard: .unreadableCard
        case .pcscUnavailable: .pcscUnavailable
        case .badKey: .usage
        case .readerBusy, .cancelled, .internal: .failure
        }
    }

    /// English, for logs, the terminal and the API `message`: the kind's sentence and what
    /// is known of the cause. Never holds personal data.
    public var message: String {
        switch self {
        case .noReader(let s), .unreadableCard(let s), .pcscUnavailable(let s), .internal(let s):
            "\(kind.message): \(s)"
        case .badKey(let key): key.message
        case .idCardContactChip: KnownCard.contactChipAdviceEn
        case .noCard, .wrongKey, .cardRemoved, .readerBusy, .timeout, .cancelled: kind.message
        }
    }

    /// Vietnamese, for reception staff (`data.messageVi`).
    public var messageVi: String {
        switch self {
        case .badKey(let key): key.messageVi
        case .idCardContactChip: KnownCard.contactChipAdviceVi
        default: kind.messageVi
        }
    }

    public var description: String { message }
}
