/// How a read ended: the one list that `read.completed`, the usage log and the metrics share.
/// Its raw value is the wire, database and label spelling: `ok`, or the failure's kind
/// (`data.reason` of the API error, docs/design.md §9.3).
public enum ReadOutcome: Sendable, Hashable {
    case ok
    case failed(ReadFailure.Kind)

    /// `failure` nil for a read that produced a record.
    public init(_ failure: ReadFailure?) {
        self = failure.map { .failed($0.kind) } ?? .ok
    }

    public var isOK: Bool { self == .ok }
}

extension ReadOutcome: CaseIterable {
    /// `ok`, then every `ReadFailure.Kind` in its order.
    public static var allCases: [ReadOutcome] { [.ok] + ReadFailure.Kind.allCases.map(ReadOutcome.failed) }
}

extension ReadOutcome: RawRepresentable, Codable {
    public init?(rawValue: String) {
        if rawValue == "ok" {
            self = .ok
        } else if let kind = ReadFailure.Kind(rawValue: rawValue) {
            self = .failed(kind)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .ok: "ok"
        case .failed(let kind): kind.rawValue
        }
    }
}
