import Synchronization
import Testing

@testable import CardService

/// `withDeadline`: the operation's answer, the timer's `timeout`, the caller's `cancelled`,
/// whichever comes first; a finished operation leaves no timer behind to answer again.
@Suite struct DeadlineTests {
    // The limits below are an hour where the operation must win: the test process's two
    // cooperative threads can be busy for a minute with other suites (docs/design.md §10), and
    // what is tested is the race, not the clock.
    @Test func theOperationsAnswerComesFirst() async throws {
        let answer = try await withDeadline(.seconds(3600)) { 42 }
        #expect(answer == 42)
    }

    @Test func anOperationThatNeverEndsTimesOut() async throws {
        await #expect(throws: ReadFailure.timeout) {
            try await withDeadline(.milliseconds(200)) {
                try? await Task.sleep(for: .seconds(3600))
                return 0
            }
        }
    }

    @Test func theCallersCancellationEndsItAtOnce() async throws {
        let task = Task {
            try await withDeadline(.seconds(3600)) {
                try? await Task.sleep(for: .seconds(3600))
                return 0
            }
        }
        task.cancel()
        await #expect(throws: ReadFailure.cancelled) { try await task.value }
    }

    /// Many reads in a row, each finished long before its deadline: every one answers once, with
    /// its own result; the timers of the finished ones are cancelled.
    @Test func finishedOperationsAnswerOnceEach() async throws {
        for i in 0..<500 {
            #expect(try await withDeadline(.seconds(3600)) { i } == i)
        }
    }
}
