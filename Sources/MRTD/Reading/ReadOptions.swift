import SmartCard

/// What a caller asks of one read: the one type from the API's `card.read` params (and the
/// command line's flags) down to the reading plan. Each layer takes the fields it acts on: the
/// reading plan `readFace`, `order` and `fixedChunkSize`; the card service `waitForCard`; the
/// record `includeFace`. On the wire (docs/api.md `card.read`) it is the flat members
/// `waitForCardSeconds`, `includeFace` and `skipFace`; `order` and `fixedChunkSize` are for
/// the benchmark and the diagnostics only.
public struct ReadOptions: Sendable, Hashable {
    /// Put the face image's bytes in the record (`face.data`).
    public var includeFace: Bool
    /// Do not read DG2 at all: the record's `faceStatus` is `skipped` and the verdict covers the
    /// files read.
    public var skipFace: Bool
    /// How long to wait for a card to be placed.
    public var waitForCard: Duration
    /// File order (`ReadingOrder.sequential` is how other readers read: the benchmark).
    public var order: ReadingOrder
    /// Fixed READ BINARY size instead of the largest the link allows (benchmark, diagnostics).
    public var fixedChunkSize: Int?

    public init(
        includeFace: Bool = false,
        skipFace: Bool = false,
        waitForCard: Duration = .zero,
        order: ReadingOrder = .identityFirst,
        fixedChunkSize: Int? = nil
    ) {
        self.includeFace = includeFace
        self.skipFace = skipFace
        self.waitForCard = waitForCard
        self.order = order
        self.fixedChunkSize = fixedChunkSize
    }

    /// Read DG2.
    public var readFace: Bool { !skipFace }

    /// Why a combination of options cannot be served, in words for the caller (never a value
    /// the caller sent).
    public enum Invalid: Error, Sendable, Hashable {
        case faceBothIncludedAndSkipped
        case waitOutOfRange(maxSeconds: Double)

        public var message: String {
            switch self {
            case .faceBothIncludedAndSkipped: "includeFace and skipFace cannot both be true"
            case .waitOutOfRange(let max): "waitForCardSeconds must be between 0 and \(max)"
            }
        }
    }

    /// Checks the combination; `maxWait` is the longest wait for a card the caller may ask.
    public func validate(maxWait: Duration) throws(Invalid) {
        guard !(includeFace && skipFace) else { throw .faceBothIncludedAndSkipped }
        guard waitForCard >= .zero, waitForCard <= maxWait else {
            throw .waitOutOfRange(maxSeconds: maxWait.seconds)
        }
    }
}

extension ReadOptions: Codable {
    private enum CodingKeys: String, CodingKey {
        case waitForCardSeconds, includeFace, skipFace
    }

    /// From the flat members of `card.read`'s params; each is optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let wait = try c.decodeIfPresent(Double.self, forKey: .waitForCardSeconds) ?? 0
        guard wait.isFinite else {
            throw DecodingError.dataCorruptedError(
                forKey: .waitForCardSeconds,
                in: c,
                debugDescription: "waitForCardSeconds must be a number of seconds"
            )
        }
        self.init(
            includeFace: try c.decodeIfPresent(Bool.self, forKey: .includeFace) ?? false,
            skipFace: try c.decodeIfPresent(Bool.self, forKey: .skipFace) ?? false,
            waitForCard: .milliseconds(Int64((min(max(wait, -1), 86_400) * 1000).rounded()))
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if waitForCard != .zero { try c.encode(waitForCard.seconds, forKey: .waitForCardSeconds) }
        if includeFace { try c.encode(true, forKey: .includeFace) }
        if skipFace { try c.encode(true, forKey: .skipFace) }
    }
}
