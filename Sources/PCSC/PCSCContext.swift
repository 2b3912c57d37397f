import CPCSCLite
import Foundation
import Logging
import SmartCard

/// An `SCARDCONTEXT` owned by one dedicated thread (docs/design.md §8: one context per thread).
///
/// Every pcsc-lite call made through this context, its cards included, runs on that
/// thread in order; callers just `await`. Only `cancel()` crosses threads, because
/// `SCardCancel` is the one call pcsc-lite allows from elsewhere.
public final class PCSCContext: @unchecked Sendable {
    let thread: PCSCThread
    /// Written on `thread` only, read by `cancel()` from anywhere: guarded by `lock`.
    private let lock = NSLock()
    private var _handle: Int?
    let logger = Logger(label: "cancuoc.pcsc")

    private init(thread: PCSCThread) { self.thread = thread }

    /// The context's own thread as a task executor. A task that prefers it (a card read)
    /// runs between pcsc-lite calls on that thread, so each APDU costs no thread hop; it is
    /// never the cooperative pool, so blocking there is allowed. Structured child tasks
    /// inherit the preference: a timer must not be one of them (it would wait behind a
    /// blocked transmit).
    public var taskExecutor: any TaskExecutor { thread }

    /// Establishes a new context. Throws `.serviceUnavailable` when pcscd is not reachable.
    ///
    /// Also turns on pcsc-lite's fail-fast sharing (`PCSCLITE_NO_BLOCKING`) so a card held
    /// by another process gives `SCARD_E_SHARING_VIOLATION` instead of blocking for ever.
    public static func establish() async throws(PCSCError) -> PCSCContext {
        PCSCEnvironment.prepare()
        let context = PCSCContext(thread: PCSCThread(name: "cancuoc.pcsc"))
        do {
            try await context.establishOnThread()
        } catch {
            context.thread.stop()
            throw error
        }
        return context
    }

    /// Runs `body` with a fresh context and releases it on every exit path.
    public static func with<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PCSCContext) async throws -> T
    ) async throws -> T {
        let context = try await establish()
        do {
            let result = try await body(context)
            await context.release()
            return result
        } catch {
            await context.release()
            throw error
        }
    }

    private func establishOnThread() async throws(PCSCError) {
        try await thread.run { () throws(PCSCError) in
            var context: SCARDCONTEXT = 0
            try check(SCardEstablishContext(PCSCConstants.scopeSystem, nil, nil, &context), "SCardEstablishContext")
            self.setHandle(context)
        }
    }

    private func setHandle(_ handle: Int?) {
        lock.lock()
        _handle = handle
        lock.unlock()
    }

    var handle: Int? {
        lock.lock()
        defer { lock.unlock() }
        return _handle
    }

    /// The context handle, or `SCARD_E_INVALID_HANDLE` once released. Call on `thread`.
    func requireHandle() throws(PCSCError) -> Int {
        guard let handle else { throw PCSCError(code: PCSCError.Code.invalidHandle, function: "context released") }
        return handle
    }

    /// Drops the old context (pcscd restarted, `SCardIsValidContext` is no health check)
    /// and establishes a new one on the same thread. Cards of the old context are dead.
    public func reestablish() async throws(PCSCError) {
        try await thread.run { () throws(PCSCError) in
            if let old = self.handle {
                _ = SCardReleaseContext(old)
                self.setHandle(nil)
            }
            var context: SCARDCONTEXT = 0
            try check(SCardEstablishContext(PCSCConstants.scopeSystem, nil, nil, &context), "SCardEstablishContext")
            self.setHandle(context)
        }
    }

    /// Releases the context and stops its thread. Safe to call twice. A pending
    /// `getStatusChange` is cancelled first, so release never waits for its timeout.
    public func release() async {
        cancel()
        _ = try? await thread.run { () throws(PCSCError) in
            if let old = self.handle {
                _ = SCardReleaseContext(old)
                self.setHandle(nil)
            }
        }
        thread.stop()
    }

    /// A context dropped without `release()` still releases its handle and stops its thread.
    deinit {
        if let handle = _handle {
            thread.submit { _ = SCardReleaseContext(handle) }
        }
        thread.stop()
    }

    /// Interrupts a pending `getStatusChange` (the only call allowed from another thread).
    public func cancel() {
        if let handle { _ = SCardCancel(handle) }
    }

    /// The PC/SC names of the readers pcscd knows now; empty when there are none.
    public func listReaders() async throws(PCSCError) -> [String] {
        try await thread.run { () throws(PCSCError) in
            let context = try self.requireHandle()
            var length: UInt = 0
            var rv = SCardListReaders(context, nil, nil, &length)
            if UInt32(truncatingIfNeeded: rv) == PCSCError.Code.noReadersAvailable { return [] }
            try check(rv, "SCardListReaders")
            guard length > 0 else { return [] }
            var buffer = [CChar](repeating: 0, count: Int(length))
            rv = SCardListReaders(context, nil, &buffer, &length)
            if UInt32(truncatingIfNeeded: rv) == PCSCError.Code.noReadersAvailable { return [] }
            try check(rv, "SCardListReaders")
            return Self.splitMultiString(
                buffer.prefix(Int(min(length, UInt(buffer.count)))).map { UInt8(bitPattern: $0) }
            )
        }
    }

    /// Splits a pcsc-lite multi-string (`a\0b\0\0`) into its names.
    static func splitMultiString(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Waits until one of `states` differs from its `currentState`, at most `timeout`.
    /// Returns the updated states, or nil when the timeout passed with no change.
    /// Never waits for ever: a monitor must wake up to re-list readers (pcsc-lite 1.9.9 has
    /// no reader counter on `\\?PnP?\Notification`).
    public func getStatusChange(_ states: [ReaderState], timeout: Duration) async throws(PCSCError) -> [ReaderState]? {
        let millis = UInt(
            max(
                0,
                min(
                    timeout.milliseconds,
                    3_600_000
                )
            )
        )
        return try await thread.run { () throws(PCSCError) -> [ReaderState]? in
            let context = try self.requireHandle()
            let names = states.map { strdup($0.name) }
            defer { for name in names { free(name) } }
            var raw = [SCARD_READERSTATE](repeating: SCARD_READERSTATE(), count: states.count)
            for i in states.indices {
                raw[i].szReader = UnsafePointer(names[i])
                raw[i].dwCurrentState = UInt(states[i].currentState)
            }
            let rv = SCardGetStatusChange(context, millis, &raw, UInt(raw.count))
            if UInt32(truncatingIfNeeded: rv) == PCSCError.Code.timeout { return nil }
            try check(rv, "SCardGetStatusChange")
            return states.indices.map { i in
                var r = raw[i]
                let count = min(Int(r.cbAtr), PCSCConstants.maxATRSize)
                let atr = withUnsafeBytes(of: &r.rgbAtr) { Array($0.prefix(count)) }
                return ReaderState(
                    name: states[i].name,
                    currentState: states[i].currentState,
                    eventState: UInt32(truncatingIfNeeded: r.dwEventState),
                    atr: atr
                )
            }
        }
    }

    /// The current state of every reader right now (no waiting).
    public func currentStates(of readers: [String]) async throws(PCSCError) -> [ReaderState] {
        let states = readers.map { ReaderState(name: $0) }
        return try await getStatusChange(states, timeout: .zero) ?? states
    }

    /// A handle on one reader, for `withCard` and identity reading.
    public func reader(named name: String) -> Reader { Reader(name: name, context: self) }
}

/// Process-wide environment for pcsc-lite's client library, set before the first context.
enum PCSCEnvironment {
    private static let once: Void = {
        if getenv("PCSCLITE_NO_BLOCKING") == nil { setenv("PCSCLITE_NO_BLOCKING", "1", 0) }
    }()

    static func prepare() { _ = once }
}
