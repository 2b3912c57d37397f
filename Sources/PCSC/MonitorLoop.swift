import Foundation
import Logging

/// The monitor's state machine; runs in one task, its pcsc-lite calls on its context thread.
final class MonitorLoop: @unchecked Sendable {
    private let configuration: ReaderMonitor
    private let emit: @Sendable (ReaderEvent) -> Void
    private let logger = Logger(label: "cancuoc.pcsc")
    private let lock = NSLock()
    private var _context: PCSCContext?

    /// Readers we have reported as attached, by name, with their last acknowledged state.
    private var readers: [String: (info: ReaderInfo, state: ReaderState)] = [:]
    private var pnp = ReaderState(name: PCSCConstants.pnpNotification)

    init(configuration: ReaderMonitor, emit: @escaping @Sendable (ReaderEvent) -> Void) {
        self.configuration = configuration
        self.emit = emit
    }

    private var context: PCSCContext? {
        get { lock.withLock { _context } }
        set { lock.withLock { _context = newValue } }
    }

    /// Wakes a pending `SCardGetStatusChange` so cancellation is prompt.
    func cancelWait() { context?.cancel() }

    func run() async {
        var available: Bool? = nil  // nil: not known yet (no event before the first answer)
        var backoff = configuration.minBackoff
        while !Task.isCancelled {
            do {
                let context = try await ensureContext()
                if available != true {
                    if available == false { emit(.serviceRestored) }
                    available = true
                    backoff = configuration.minBackoff
                }
                try await poll(context)
            } catch let error as PCSCError
                where error.category == .serviceUnavailable || error.category == .permissionDenied
            {
                logger.debug("pcscd unavailable: \(error)")
                await dropContext()
                if available != false {
                    forgetReaders()
                    emit(.serviceUnavailable(error))
                    available = false
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, configuration.maxBackoff)
            } catch let error as PCSCError where error.category == .cancelled || error.category == .unknownReader {
                continue  // woken by cancel(), or a reader left between listing and waiting: re-list
            } catch let error as PCSCError where error.category == .noReaders {
                try? await Task.sleep(for: configuration.pollInterval)
            } catch is CancellationError {
                break
            } catch {
                logger.warning("reader monitor: \(error)")
                try? await Task.sleep(for: configuration.minBackoff)
            }
        }
        await dropContext()
    }

    private func ensureContext() async throws -> PCSCContext {
        if let context { return context }
        let fresh = try await PCSCContext.establish()
        context = fresh
        return fresh
    }

    private func dropContext() async {
        let old = context
        context = nil
        await old?.release()
    }

    private func forgetReaders() {
        readers.removeAll()
        pnp = ReaderState(name: PCSCConstants.pnpNotification)
    }

    /// One wake-up: re-list, report attach/detach, wait for a change, report card events.
    private func poll(_ context: PCSCContext) async throws {
        let names = try await context.listReaders()
        for (name, entry) in readers where !names.contains(name) {
            if entry.state.isPresent { emit(.cardRemoved(reader: name)) }
            emit(.detached(name: name, id: entry.info.id))
            readers[name] = nil
        }
        for name in names where readers[name] == nil {
            let identity =
                configuration.readsIdentity
                ? await ReaderIdentity.read(from: context.reader(named: name)) : ReaderIdentity()
            let info = ReaderInfo(name: name, id: ReaderID(name: name, identity: identity), identity: identity)
            emit(.attached(info))
            // Unaware: the first wait returns at once with the real state, reported below.
            readers[name] = (info, ReaderState(name: name))
        }
        let order = names.filter { readers[$0] != nil }
        let states = [pnp] + order.compactMap { readers[$0]?.state }
        guard let updated = try await context.getStatusChange(states, timeout: configuration.pollInterval) else {
            return
        }
        pnp = updated[0].acknowledged()
        for state in updated.dropFirst() {
            guard let entry = readers[state.name] else { continue }
            report(previous: entry.state, now: state)
            readers[state.name] = (entry.info, state.acknowledged())
        }
    }

    private func report(previous: ReaderState, now: ReaderState) {
        for event in now.cardEvents(since: previous) { emit(event) }
    }
}
