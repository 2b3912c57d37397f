import Dispatch
import Synchronization

/// Runs `operation` and returns its result, or throws `ReadFailure.timeout` after `limit`
/// without waiting for it: pcsc-lite's `SCardTransmit` has no timeout, and a card (or vpcd)
/// that never answers would otherwise hold the caller for ever. The abandoned operation is
/// cancelled and ends when PC/SC returns (the card is removed or answers); callers must not
/// reuse its PC/SC context meanwhile. The operation is an unstructured task of its own and the
/// timer a dispatch timer source; whichever ends first cancels the other. Cancelling the caller
/// ends it with `ReadFailure.cancelled` at once.
///
/// The timer is not a sleeping task: a cancelled `Task.sleep` keeps its dispatch timer source,
/// its sleep job and its task (swiftlang/swift issue 60441; under Swift 6.3 on Linux, heaptrack
/// found all three still allocated for 1,978 of 2,000 reads at the end of a soak, long past
/// their deadlines). A cancelled timer source is gone at once.
public func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.track(
                work: Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                },
                // When it fires, the timeout is decided on the cooperative pool, like the
                // operation: a pool kept busy elsewhere delays both, as a sleeping timer did.
                timer: OneShotTimer(after: limit) {
                    Task(priority: .low) { race.finish(.failure(ReadFailure.timeout)) }
                }
            )
        }
    } onCancel: {
        race.finish(.failure(ReadFailure.cancelled))
    }
}

/// The first of the operation, the timer and cancellation to finish resumes the caller and
/// cancels the rest.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
        var work: Task<Void, Never>?
        var timer: OneShotTimer?
        var finished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            guard let pending = state.pending else {
                state.continuation = continuation
                return nil
            }
            state.pending = nil
            return pending
        }
        if let early { continuation.resume(with: early) }
    }

    func track(work: Task<Void, Never>, timer: OneShotTimer) {
        let finished = state.withLock { state in
            (state.work, state.timer) = (work, timer)
            return state.finished
        }
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, work, timer) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, OneShotTimer?) in
            guard !state.finished else { return (nil, nil, nil) }
            state.finished = true
            defer { (state.continuation, state.work, state.timer) = (nil, nil, nil) }
            if state.continuation == nil { state.pending = result }
            return (state.continuation, state.work, state.timer)
        }
        work?.cancel()
        timer?.cancel()
        continuation?.resume(with: result)
    }
}

/// A one-shot dispatch timer on a global queue, running from its creation, that calls
/// `handler` after `limit` unless cancelled first. (Dispatch sources may be cancelled from any
/// thread: hence `@unchecked Sendable`.)
private struct OneShotTimer: @unchecked Sendable {
    private let source: any DispatchSourceTimer

    init(after limit: Duration, _ handler: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(queue: .global())
        source.schedule(deadline: .now() + .milliseconds(Int(clamping: max(0, limit.milliseconds))))
        source.setEventHandler(handler: handler)
        source.activate()
    }

    func cancel() { source.cancel() }
}
