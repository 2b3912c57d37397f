import CCCD
import PCSC

/// One read of one card, as the daemon (`card.read`, scan-and-tap) and `cancuoc read` run
/// it: on a PC/SC context of its own (never queued behind the monitor or another reader),
/// under one deadline — `options.waitForCard + timeout` — that fires even while a PC/SC call is
/// blocked on the context's thread, with a typed outcome.
///
/// `release` runs when the read has really ended, which after a timeout can be later than
/// the answer (pcsc-lite's transmit cannot be interrupted; it returns when the card leaves):
/// the daemon keeps the reader claimed until then.
public struct ReadJob: Sendable {
    public var readerName: String
    public var identity: ReaderIdentity?
    public var request: CardReadRequest

    public init(readerName: String, identity: ReaderIdentity?, request: CardReadRequest) {
        self.readerName = readerName
        self.identity = identity
        self.request = request
    }

    public func run(release: @escaping @Sendable () async -> Void = {}) async -> Result<CitizenRecord, ReadFailure> {
        let (name, identity, request) = (readerName, self.identity, self.request)
        do {
            return .success(
                try await withDeadline(request.options.waitForCard + request.timeout) {
                    let result: Result<CitizenRecord, ReadFailure>
                    do {
                        result = .success(
                            try await PCSCContext.with { context in
                                let reader = context.reader(named: name)
                                do {
                                    return try await CardReading().read(
                                        reader: reader,
                                        identity: identity,
                                        request: request
                                    )
                                } catch {
                                    throw await Self.refine(ReadFailure.classify(error), reader: reader)
                                }
                            }
                        )
                    } catch {
                        result = .failure(ReadFailure.classify(error))
                    }
                    await release()
                    return try result.get()
                }
            )
        } catch {
            return .failure(ReadFailure.classify(error))
        }
    }

    /// A card pulled in the middle of an APDU can surface as a garbled answer (a truncated
    /// response, a parse error) rather than a PC/SC removal code. When the card is gone, or
    /// goes within half a second, that is what the user must act on: `cardRemoved`.
    static func refine(_ error: ReadFailure, reader: Reader) async -> ReadFailure {
        switch error {
        case .internal, .unreadableCard:
            break
        default:
            return error
        }
        guard let state = try? await reader.context.currentStates(of: [reader.name]).first else { return error }
        if !state.isPresent { return .cardRemoved }
        if let changed = try? await reader.context.getStatusChange([state.acknowledged()], timeout: .milliseconds(500))?
            .first,
            !changed.isPresent || changed.eventCount != state.eventCount
        {
            return .cardRemoved
        }
        return error
    }
}
