/// A FIFO async mutex: one test at a time uses the bench, across every test target of the
/// process (Swift Testing runs suites of different targets in parallel, and `.serialized`
/// does not reach across modules; a pcscd restart must not hit another suite's read).
actor BenchLock {
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()  // ownership passes straight to the next waiter
        }
    }
}
