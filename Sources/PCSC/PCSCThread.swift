import Foundation

/// One dedicated OS thread that runs every pcsc-lite call of one context, in order.
///
/// pcsc-lite wants one context per thread and its calls block (some for as long as another
/// process holds the card), so they must never run on Swift's cooperative pool. Work is
/// queued here and the awaiting task is resumed through a continuation.
///
/// The thread is also a `TaskExecutor`: a task that prefers it (a whole card read) runs its
/// protocol code here between pcsc-lite calls, and those calls then run inline instead of
/// hopping threads twice per APDU (two context switches each way, most of the host CPU of a
/// short-APDU read).
final class PCSCThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var stopping = false
    /// Set once by the thread itself before it takes any job.
    private var osThread: pthread_t?
    /// Calls that had to hop onto the thread (tests check a preferring read makes none).
    private var hopCount = 0
    private func countHop() {
        condition.lock()
        hopCount += 1
        condition.unlock()
    }
    var hops: Int {
        condition.lock()
        defer { condition.unlock() }
        return hopCount
    }

    /// The `Thread` is not kept: its closure holds `self` until the loop returns, and Foundation
    /// holds the `Thread` while it runs. Keeping it here made a cycle that leaked the thread
    /// object, this one and its queue for every context (one per card read: ~380 bytes a
    /// read, found by heaptrack over a 4,000-read soak).
    init(name: String) {
        let thread = Thread { [self] in self.loop() }
        thread.name = name
        // As large as a cooperative-pool thread's: a preferring read runs its parsers here.
        // Address space only; the pages it never touches cost no memory.
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func loop() {
        condition.lock()
        osThread = pthread_self()
        condition.unlock()
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

    /// True when called on this thread (a job, or a task preferring this executor).
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let osThread else { return false }
        return pthread_equal(osThread, pthread_self()) != 0
    }

    /// Runs `body` on the thread and returns its result to the awaiting task; inline when
    /// the task already runs here.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(PCSCError) -> T) async throws(PCSCError) -> T {
        if isCurrent { return try body() }
        countHop()
        let result: Result<T, PCSCError> = await withCheckedContinuation { continuation in
            let accepted = enqueue {
                do throws(PCSCError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !accepted {
                continuation.resume(
                    returning: .failure(PCSCError(code: PCSCError.Code.invalidHandle, function: "context released"))
                )
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

    /// `TaskExecutor`: a job of a task that prefers this thread. Once the thread is stopping
    /// the job runs on the global executor instead, so no task is ever stranded.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        if !enqueue({ job.runSynchronously(on: executor) }) {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
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
