import Synchronization

/// The first of several racing producers wins; later offers are ignored.
///
/// A read must be able to time out (or be cancelled by its client leaving) while a PC/SC
/// call is still blocked on its thread. A task group would wait for that call; this lets
/// the request answer at once and the stuck read finish on its own.
final class FirstResult<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case ready(Value)
        case waiting(CheckedContinuation<Value, Never>)
        case done
    }

    private let state = Mutex(State.empty)

    init() {}

    func offer(_ value: Value) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, Never>? in
            switch state {
            case .empty:
                state = .ready(value)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .ready, .done:
                return nil
            }
        }
        continuation?.resume(returning: value)
    }

    /// Waits for the first offer. Call once.
    func value() async -> Value {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Value? in
                if case .ready(let value) = state {
                    state = .done
                    return value
                }
                state = .waiting(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
