import PCSC
import SmartCard

/// One line of the technician's checklist: what was checked, how it went, and what to do.
public struct DiagnosticStep: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable { case ok, warning, fail, skipped }

    /// What a step checks: its stable identifier for programs (the raw value) and its title in
    /// both languages, in one place.
    public enum Check: String, Codable, Sendable, Hashable, CaseIterable {
        case pcscd, readers, kind, identity, ccidSupport, features, card, atr, application, cardAccess, latency,
            extendedLength, testRead

        public var title: String {
            switch self {
            case .pcscd: "Smart-card service"
            case .readers: "Card readers"
            case .kind: "Reader kind"
            case .identity: "Reader identity"
            case .ccidSupport: "Driver support"
            case .features: "Reader features (PC/SC part 10)"
            case .card: "Card on the reader"
            case .atr: "Answer to reset"
            case .application: "ID card application (eMRTD)"
            case .cardAccess: "Access protocols (EF.CardAccess)"
            case .latency: "Round-trip time"
            case .extendedLength: "Response size"
            case .testRead: "Test read"
            }
        }

        public var titleVi: String {
            switch self {
            case .pcscd: "Dịch vụ thẻ thông minh (pcscd)"
            case .readers: "Đầu đọc thẻ"
            case .kind: "Loại đầu đọc"
            case .identity: "Thông tin đầu đọc"
            case .ccidSupport: "Hỗ trợ trình điều khiển"
            case .features: "Tính năng đầu đọc"
            case .card: "Thẻ trên đầu đọc"
            case .atr: "Phản hồi khởi động thẻ (ATR)"
            case .application: "Ứng dụng căn cước (eMRTD)"
            case .cardAccess: "Giao thức truy cập"
            case .latency: "Thời gian phản hồi"
            case .extendedLength: "Kích thước phản hồi"
            case .testRead: "Đọc thử"
            }
        }
    }

    /// Stable identifier for programs.
    public var id: Check
    public var title: String
    public var titleVi: String
    public var status: Status
    /// What was found, in English (facts and figures, never personal data unless asked).
    public var detail: String
    /// What to do about it, when anything.
    public var fix: String?
    public var fixVi: String?
    /// The failure kind, for the exit code (docs/design.md §9.2) and the API.
    public var failure: String?
    /// Figures a program may want (latency in ms, sizes, ids).
    public var data: [String: String]

    public init(
        _ check: Check,
        status: Status,
        detail: String,
        fix: String? = nil,
        fixVi: String? = nil,
        failure: ReadFailure? = nil,
        data: [String: String] = [:]
    ) {
        self.id = check
        self.title = check.title
        self.titleVi = check.titleVi
        self.status = status
        self.detail = detail
        self.fix = fix
        self.fixVi = fixVi
        self.failure = failure?.reason
        self.data = data
        self.exitCode = failure?.exit.rawValue
    }

    /// Exit code of the failure kind (not encoded).
    public private(set) var exitCode: Int32?

    enum CodingKeys: String, CodingKey { case id, title, titleVi, status, detail, fix, fixVi, failure, data }
}

/// The whole checklist: for one reader, or, when several are connected and none was named,
/// the common steps and one checklist per reader (`readers`), the ID-card reader marked.
public struct DiagnosticReport: Codable, Sendable, Hashable {
    public var reader: String?
    public var steps: [DiagnosticStep]
    /// What the reader is for (docs/design.md §9.5); nil for the common part of a several-reader report.
    public var kind: ReaderKind?
    /// In a several-reader report: whether this is the reader ID cards are read on.
    public var isIDCardReader: Bool?
    /// Several readers and none named: each reader's checklist.
    public var readers: [DiagnosticReport]?

    public init(
        reader: String?,
        steps: [DiagnosticStep],
        kind: ReaderKind? = nil,
        isIDCardReader: Bool? = nil,
        readers: [DiagnosticReport]? = nil
    ) {
        self.reader = reader
        self.steps = steps
        self.kind = kind
        self.isIDCardReader = isIDCardReader
        self.readers = readers
    }

    /// 0 when every step is ok, a warning or skipped; else the code of the first failure's kind,
    /// the common steps first, then each reader's.
    public var exitCode: Int32 {
        if let failed = steps.first(where: { $0.status == .fail }) { return failed.exitCode ?? 1 }
        return readers?.lazy.map(\.exitCode).first { $0 != 0 } ?? 0
    }
}
