import Synchronization

/// Runs `operation` and returns its result, or throws `ReadFailure.timeout` after `limit`
/// without waiting for it: pcsc-lite's `SCardTransmit` has no timeout, and a card (or vpcd)
/// that never answers would otherwise hold the caller for ever. The abandoned operation is
/// cancelled and ends when PC/SC returns (the card is removed or answers); callers must not
/// reuse its PC/SC context meanwhile. The operation and the timer are unstructured tasks of
/// their own, so neither waits behind the other's thread. Cancelling the caller ends it with
/// `ReadFailure.cancelled` at once.
public func withDeadline<T: Sendable>(_ limit: Duration,
                                      _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let task = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            race.track(task)
            Task {
                try? await Task.sleep(for: limit)
                race.finish(.failure(ReadFailure.timeout))
                task.cancel()
            }
        }
    } onCancel: {
        race.finish(.failure(ReadFailure.cancelled))
        race.cancelWork()
    }
}

/// The first of the operation, the timer and cancellation to finish resumes the caller.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)
    private let work = Mutex<Task<Void, Never>?>(nil)
    private let cancelled = Mutex(false)

    func start(_ c: CheckedContinuation<T, any Error>) {
        continuation.withLock { $0 = c }
        if cancelled.withLock({ $0 }) { finish(.failure(ReadFailure.cancelled)) }
    }

    func track(_ task: Task<Void, Never>) {
        work.withLock { $0 = task }
        if cancelled.withLock({ $0 }) { task.cancel() }
    }

    func cancelWork() {
        cancelled.withLock { $0 = true }
        work.withLock { $0?.cancel() }
    }

    func finish(_ result: Result<T, any Error>) {
        let c = continuation.withLock { c -> CheckedContinuation<T, any Error>? in
            defer { c = nil }
            return c
        }
        c?.resume(with: result)
    }
}
