/// One line of the technician's checklist: what was checked, how it went, and what to do.
public struct DiagnosticStep: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable { case ok, warning, fail, skipped }

    /// Stable identifier for programs (`pcscd`, `readers`, `identity`, `ccidSupport`, `features`,
    /// `card`, `atr`, `application`, `cardAccess`, `latency`, `extendedLength`, `testRead`).
    public var id: String
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

    public init(id: String, title: String, titleVi: String, status: Status, detail: String,
                fix: String? = nil, fixVi: String? = nil, failure: ReadFailure? = nil, data: [String: String] = [:]) {
        self.id = id
        self.title = title
        self.titleVi = titleVi
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

/// The whole checklist for one reader.
public struct DiagnosticReport: Codable, Sendable, Hashable {
    public var reader: String?
    public var steps: [DiagnosticStep]

    public init(reader: String?, steps: [DiagnosticStep]) {
        self.reader = reader
        self.steps = steps
    }

    /// 0 when every step is ok, a warning or skipped; else the code of the first failure's kind.
    public var exitCode: Int32 {
        steps.first { $0.status == .fail }.map { $0.exitCode ?? 1 } ?? 0
    }
}
