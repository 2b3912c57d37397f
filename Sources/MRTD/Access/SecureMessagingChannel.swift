import Logging
import SmartCard

/// A `CardChannel` that wraps another and protects every command with secure messaging
/// (ICAO 9303-11 §9.8). BAC, PACE and chip authentication return one; file reading never
/// knows it is there (docs/design.md §12).
///
/// The send sequence counter is incremented once for each command and once for each
/// response, including a response that carries no MAC, so it stays in step with a card
/// that keeps the session after a plain error status. Our choice for plain answers (§9.8.6:
/// a chip that detects an SM error aborts SM and answers in plain):
/// - `6987`/`6988` unprotected: the card dropped the session; throws `sessionAborted` and the
///   channel is broken.
/// - a success status (`9000`/`61xx`) without DO'8E': throws `missingMAC`, broken.
/// - any other plain status (for example `6A82`, `6700`): returned to the caller as is, the
///   session continues; most chips protect those too, some do not.
/// A bad response MAC or malformed data objects break the session: every later call throws
/// `sessionBroken` until the caller runs BAC/PACE again.
public actor SecureMessagingChannel: CardChannel {
    /// The session cipher, to size reads (`cipher.maxShortReadLength`).
    public nonisolated let cipher: SecureMessagingCipher
    private let codec: SecureMessagingCodec
    /// The wrapped channel: chip authentication restarts secure messaging over it (ICAO 9303-11 §6.2).
    nonisolated let base: any CardChannel
    /// The send sequence counter (8 bytes for 3DES, 16 for AES), exposed for tests.
    public private(set) var ssc: [UInt8]
    /// True once a MAC failure or SM abort ended the session.
    public private(set) var isBroken = false
    private var inFlight = false

    /// - Parameters:
    ///   - base: the channel that carries the protected APDUs.
    ///   - keys: KSenc/KSmac and the cipher.
    ///   - ssc: the starting counter: from BAC (§9.8.2, RND.IC/RND.IFD) or zero after PACE.
    public init(wrapping base: any CardChannel, keys: SessionKeys, ssc: [UInt8]? = nil) {
        self.base = base
        self.codec = SecureMessagingCodec(keys: keys)
        self.cipher = keys.cipher
        self.ssc = ssc ?? [UInt8](repeating: 0, count: keys.cipher.blockSize)
    }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        guard !isBroken else { throw SecureMessagingError.sessionBroken }
        guard !inFlight else { throw SecureMessagingError.concurrentUse }
        inFlight = true
        defer { inFlight = false }

        SecureMessagingCodec.increment(&ssc)
        let protected: CommandAPDU
        do { protected = try codec.protect(command, ssc: ssc) } catch {
            isBroken = true
            throw error
        }
        let response: ResponseAPDU
        do { response = try await base.transmit(protected) } catch {
            // The card may or may not have seen the command: the counter is now unknown.
            isBroken = true
            throw error
        }
        SecureMessagingCodec.increment(&ssc)
        accessLogger.trace("SM exchange", metadata: ["command": "\(command)", "status": "\(response.status.hex)"])

        if response.data.isEmpty {
            if response.status == .smDataObjectsMissing || response.status == .smDataObjectsIncorrect {
                isBroken = true
                throw SecureMessagingError.sessionAborted(response.status)
            }
            if response.status.isSuccess {
                isBroken = true
                throw SecureMessagingError.missingMAC
            }
            return response
        }
        do {
            return try codec.unprotect(response, ssc: ssc)
        } catch {
            isBroken = true
            throw error
        }
    }
}
