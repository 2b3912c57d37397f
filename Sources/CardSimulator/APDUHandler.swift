import SmartCard

/// The card side of the wire: anything that answers APDUs like a chip. The vpcd transport,
/// the in-process `SimulatedCardChannel` and decorators (secure messaging, fault injection)
/// all speak this, mirroring `CardChannel` on the terminal side.
public protocol APDUHandler: Sendable {
    /// Power on (or warm reset): drop every session state and return the ATR.
    func powerOn() async -> [UInt8]
    /// Power off: drop every session state.
    func powerOff() async
    /// Answer one command. Never throws: a card answers with a status word.
    func process(_ command: CommandAPDU) async -> ResponseAPDU
}

/// Decoding wire bytes for a handler: malformed commands get `6700`, as a card would answer.
extension APDUHandler {
    public func process(bytes: [UInt8]) async -> [UInt8] {
        do {
            let command = try CommandAPDU(bytes: bytes)
            return await process(command).bytes
        } catch {
            return [0x67, 0x00]
        }
    }
}

/// A simulated card used in-process as a `CardChannel` (unit tests, no pcscd involved).
public struct SimulatedCardChannel: CardChannel {
    public let card: any APDUHandler

    public init(card: any APDUHandler) { self.card = card }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        // Round-trip through bytes, exactly as a reader would carry it.
        try ResponseAPDU(bytes: await card.process(bytes: command.bytes))
    }
}
