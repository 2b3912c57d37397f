import CPCSCLite
import Foundation
import Logging
import SmartCard

/// A connected card (an `SCARDHANDLE`), usable wherever a `CardChannel` is.
///
/// Every call runs on the owning context's thread. Prefer `Reader.withCard`, which
/// disconnects (with reset) on every exit path.
public final class Card: CardChannel, @unchecked Sendable {
    public let reader: String
    public let context: PCSCContext
    /// The negotiated protocol (`.t0` or `.t1`; empty for `.direct`).
    public let activeProtocol: CardProtocols
    let handle: Int
    private let lock = NSLock()
    private var _connected = true

    init(reader: String, context: PCSCContext, handle: Int, activeProtocol: CardProtocols) {
        self.reader = reader
        self.context = context
        self.handle = handle
        self.activeProtocol = activeProtocol
    }

    /// Connects to the card in `reader`. Fails fast with `.sharingViolation` when another
    /// process holds it, `.noCard` when the reader is empty (except with `.direct`).
    public static func connect(
        reader: String,
        context: PCSCContext,
        share: ShareMode = .shared,
        protocols: CardProtocols = .any
    ) async throws(PCSCError) -> Card {
        let wanted = share == .direct ? PCSCConstants.protocolUndefined : protocols.rawValue
        let (handle, proto) = try await context.thread.run { () throws(PCSCError) -> (Int, UInt) in
            let ctx = try context.requireHandle()
            var handle: SCARDHANDLE = 0
            var active: UInt = 0
            try check(SCardConnect(ctx, reader, share.raw, wanted, &handle, &active), "SCardConnect")
            return (handle, active)
        }
        return Card(reader: reader, context: context, handle: handle, activeProtocol: CardProtocols(rawValue: proto))
    }

    /// A card dropped without `disconnect` is still disconnected (with reset) on its thread.
    deinit {
        if _connected {
            let handle = self.handle
            context.thread.submit { _ = SCardDisconnect(handle, PCSCConstants.resetCard) }
        }
    }

    public var isConnected: Bool {
        lock.lock()
        defer { lock.unlock() }
        return _connected
    }

    /// Sends one APDU and returns the card's answer (up to 65536 data bytes + SW).
    /// Traces header and status word only, never data.
    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let bytes = command.bytes
        let handle = self.handle
        let proto = activeProtocol
        let start = ContinuousClock.now
        let answer = try await context.thread.run { () throws(PCSCError) -> [UInt8] in
            var pci = proto.contains(.t1) ? g_rgSCardT1Pci : g_rgSCardT0Pci
            var rv = SCARD_S_SUCCESS
            // Uninitialised: zeroing 64 KiB per APDU was measurable on a 112-APDU read.
            let response = [UInt8](unsafeUninitializedCapacity: PCSCConstants.maxResponseLength) { buffer, count in
                var length = UInt(buffer.count)
                rv = bytes.withUnsafeBufferPointer { send in
                    SCardTransmit(handle, &pci, send.baseAddress, UInt(send.count), nil, buffer.baseAddress, &length)
                }
                count = rv == SCARD_S_SUCCESS ? Int(min(length, UInt(buffer.count))) : 0
            }
            try check(rv, "SCardTransmit")
            return response
        }
        // Fewer bytes than a status word: the link broke (vpcd does this when the card leaves
        // mid-command); say so as PC/SC would, not as a malformed answer.
        guard let response = try? ResponseAPDU(bytes: answer) else {
            throw PCSCError(code: PCSCError.Code.commDataLost, function: "SCardTransmit (\(answer.count)-byte answer)")
        }
        context.logger.trace("APDU \(command) -> \(response.status.hex) in \(ContinuousClock.now - start)")
        return response
    }

    /// Runs `body` inside `SCardBeginTransaction`/`SCardEndTransaction`; the transaction
    /// ends (leaving the card) on every exit path, errors and cancellation included.
    public func withTransaction<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> T
    ) async throws -> T {
        let handle = self.handle
        try await context.thread.run { () throws(PCSCError) in
            try check(SCardBeginTransaction(handle), "SCardBeginTransaction")
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        do {
            try await context.thread.run { () throws(PCSCError) in
                try check(SCardEndTransaction(handle, PCSCConstants.leaveCard), "SCardEndTransaction")
            }
        } catch {
            // The body's own error matters more; a removed card also ends the transaction.
            if case .success = result { throw error }
        }
        return try result.get()
    }

    private func markDisconnected() -> Bool {
        lock.withLock {
            let was = _connected
            _connected = false
            return was
        }
    }

    /// Disconnects; `.reset` by default so no secure-messaging state outlives us. Idempotent.
    public func disconnect(_ disposition: Disposition = .reset) async throws(PCSCError) {
        guard markDisconnected() else { return }
        let handle = self.handle
        try await context.thread.run { () throws(PCSCError) in
            try check(SCardDisconnect(handle, disposition.raw), "SCardDisconnect")
        }
    }

    /// Reads a reader attribute (`SCardGetAttrib`); throws when the driver does not support it.
    public func attribute(_ id: UInt32) async throws(PCSCError) -> [UInt8] {
        let handle = self.handle
        return try await context.thread.run { () throws(PCSCError) -> [UInt8] in
            var length: UInt = 0
            try check(SCardGetAttrib(handle, UInt(id), nil, &length), "SCardGetAttrib")
            guard length > 0 else { return [] }
            guard length <= UInt(PCSCConstants.maxBufferSize) else {
                throw PCSCError(code: PCSCError.Code.insufficientBuffer, function: "SCardGetAttrib")
            }
            var buffer = [UInt8](repeating: 0, count: Int(length))
            try check(SCardGetAttrib(handle, UInt(id), &buffer, &length), "SCardGetAttrib")
            return Array(buffer.prefix(Int(min(length, UInt(buffer.count)))))
        }
    }

    public func attribute(_ attribute: PCSCAttribute) async throws(PCSCError) -> [UInt8] {
        try await self.attribute(attribute.rawValue)
    }

    /// Sends a control code to the reader (`SCardControl`, PC/SC part 10).
    public func control(_ code: UInt32, input: [UInt8] = []) async throws(PCSCError) -> [UInt8] {
        let handle = self.handle
        return try await context.thread.run { () throws(PCSCError) -> [UInt8] in
            var output = [UInt8](repeating: 0, count: PCSCConstants.maxBufferSize)
            var returned: UInt = 0
            let rv = input.withUnsafeBufferPointer { inp in
                SCardControl(
                    handle,
                    UInt(code),
                    inp.baseAddress,
                    UInt(inp.count),
                    &output,
                    UInt(output.count),
                    &returned
                )
            }
            try check(rv, "SCardControl")
            return Array(output.prefix(Int(min(returned, UInt(output.count)))))
        }
    }

    /// The card's ATR as pcscd reports it now (`SCardStatus`).
    public func atr() async throws(PCSCError) -> [UInt8] {
        let handle = self.handle
        return try await context.thread.run { () throws(PCSCError) -> [UInt8] in
            var state: UInt = 0
            var proto: UInt = 0
            var atr = [UInt8](repeating: 0, count: PCSCConstants.maxATRSize)
            var atrLength = UInt(atr.count)
            var nameLength: UInt = 0
            try check(SCardStatus(handle, nil, &nameLength, &state, &proto, &atr, &atrLength), "SCardStatus")
            return Array(atr.prefix(Int(min(atrLength, UInt(atr.count)))))
        }
    }
}
