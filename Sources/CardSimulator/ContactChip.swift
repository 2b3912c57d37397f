import SmartCard

/// A chip in a contact slot with a given ATR (docs/troubleshooting.md): the Vietnamese ID card pushed into the
/// contact slot of a dual reader. With `answering`, its commands go to that card (a contact
/// chip that answers the eMRTD application); without, it counts every command and answers
/// `6A82` to SELECT and `6D00` to anything else (a contact chip without the eMRTD application).
public actor ContactChip: APDUHandler {
    public let atr: [UInt8]
    private let answering: (any APDUHandler)?
    /// Commands received, whatever they were.
    public private(set) var commandsReceived = 0

    public init(atr: [UInt8], answering: (any APDUHandler)? = nil) {
        self.atr = atr
        self.answering = answering
    }

    public func powerOn() async -> [UInt8] {
        _ = await answering?.powerOn()
        return atr
    }

    public func powerOff() async { await answering?.powerOff() }

    public func process(_ command: CommandAPDU) async -> ResponseAPDU {
        commandsReceived += 1
        if let answering { return await answering.process(command) }
        return ResponseAPDU(status: command.ins == 0xA4 ? .fileNotFound : .insNotSupported)
    }
}
