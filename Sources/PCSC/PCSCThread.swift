import Foundation

/// One dedicated OS thread that runs every pcsc-lite call of one context, in order.
///
/// pcsc-lite wants one context per thread and its calls block (some for as long as another
/// process holds the card), so they must never run on Swift's cooperative pool. Work is
/// queued here and the awaiting task is resumed through a continuation.
final class PCSCThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var stopping = false
    private var thread: Thread?

    init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on the thread and returns its result to the awaiting task.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(PCSCError) -> T) async throws(PCSCError) -> T {
        let result: Result<T, PCSCError> = await withCheckedContinuation { continuation in
            let accepted = enqueue {
                do throws(PCSCError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !accepted {
                continuation.resume(returning: .failure(PCSCError(code: PCSCError.Code.invalidHandle, function: "context released")))
            }
        }
        return try result.get()
    }

    /// Queues a job; false once the thread is stopping (the job is dropped, not run inline:
    /// pcsc-lite calls must stay on this thread).
    private func enqueue(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        queue.append(job)
        condition.signal()
        return true
    }

    /// Queues fire-and-forget work (used from `deinit`, where nothing can be awaited).
    func submit(_ job: @escaping @Sendable () -> Void) {
        _ = enqueue(job)
    }

    /// Lets the thread finish its queue and exit.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }
}
