/// Anything that carries APDUs to a card: a PC/SC card, the in-process simulator, or a
/// secure-messaging session wrapping one of those. BAC, PACE and file reading are written
/// against this protocol only, so they never know what carries the bytes.
public protocol CardChannel: Sendable {
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU
}

/// What a transport or the card is known to carry; used to size READ BINARY.
public struct TransportLimits: Hashable, Sendable {
    /// Largest command data field (Nc) a command may carry.
    public var maxCommandData: Int
    /// Largest response data (Ne) one response may carry.
    public var maxResponseData: Int

    public init(maxCommandData: Int, maxResponseData: Int) {
        self.maxCommandData = maxCommandData
        self.maxResponseData = maxResponseData
    }

    public static let short = TransportLimits(maxCommandData: 255, maxResponseData: 256)
    public var supportsExtendedLength: Bool { maxCommandData > 255 || maxResponseData > 256 }
}

extension CardChannel {
    /// Transmits and throws `CardCommandError.status` unless the card answered `9000`
    /// (or a `61xx` already collected by a lower layer).
    @discardableResult
    public func transmitChecked(_ command: CommandAPDU, step: String) async throws -> ResponseAPDU {
        let response = try await transmit(command)
        guard response.status.isSuccess else {
            throw CardCommandError.status(response.status, step: step)
        }
        return response
    }
}

/// The card refused a command: the step names what we were doing, for the user and logs.
public enum CardCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    case status(StatusWord, step: String)
    /// The card's answer does not have the shape the command requires.
    case malformedResponse(step: String, detail: String)

    public var description: String {
        switch self {
        case .status(let sw, let step): return "\(step): card answered \(sw)"
        case .malformedResponse(let step, let detail): return "\(step): malformed answer (\(detail))"
        }
    }
}

/// Handles the T=0 style `61xx` (GET RESPONSE) and `6Cxx` (resend with the right Le)
/// answers below everything else, so upper layers see only complete responses.
public struct ResponseCollectingChannel<Base: CardChannel>: CardChannel {
    public let base: Base
    /// Safety bound on GET RESPONSE rounds: a card that keeps answering 61xx cannot loop us.
    public var maxRounds = 64

    public init(_ base: Base) { self.base = base }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        var response = try await base.transmit(command)
        if response.status.sw1 == 0x6C {
            var retry = command
            retry.ne = response.status.sw2 == 0 ? 256 : Int(response.status.sw2)
            response = try await base.transmit(retry)
        }
        var data = response.data
        var rounds = 0
        while response.status.sw1 == 0x61 {
            rounds += 1
            guard rounds <= maxRounds else {
                throw CardCommandError.malformedResponse(step: "GET RESPONSE", detail: "too many 61xx rounds")
            }
            let ne = response.status.sw2 == 0 ? 256 : Int(response.status.sw2)
            response = try await base.transmit(.getResponse(ne: ne, cla: command.cla))
            data += response.data
        }
        return ResponseAPDU(data: data, status: response.status)
    }
}
