import Synchronization

/// Runs `operation` and returns its result, or throws `ReadFailure.timeout` after `limit`
/// without waiting for it: pcsc-lite's `SCardTransmit` has no timeout, and a card (or vpcd)
/// that never answers would otherwise hold the caller for ever. The abandoned operation is
/// cancelled and ends when PC/SC returns (the card is removed or answers); callers must not
/// reuse its PC/SC context meanwhile. The operation and the timer are unstructured tasks of
/// their own, so neither waits behind the other's thread; whichever ends first cancels the
/// other (a finished read leaves no timer holding its result). Cancelling the caller ends it
/// with `ReadFailure.cancelled` at once.
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
                timer: Task {
                    do {
                        try await Task.sleep(for: limit)
                        race.finish(.failure(ReadFailure.timeout))
                    } catch {}  // cancelled: the operation ended first
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
        var tasks: [Task<Void, Never>] = []
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

    func track(work: Task<Void, Never>, timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.tasks = [work, timer]
            return state.finished
        }
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            defer { state.continuation = nil }
            if state.continuation == nil { state.pending = result }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
