import Foundation
import Testing

@testable import ServiceTestSupport

/// ServiceTestSupport's `runProgram`, which every test that runs a program goes through.
@Suite(.timeLimit(.minutes(2))) struct ChildProcesses {
    /// A child that writes more than a pipe holds (64 KiB) on stderr before it writes stdout: both
    /// are read whole. Read one after the other, the child would wait on stderr for ever.
    @Test func aChildThatFillsStderrBeforeItsStdoutIsReadWhole() async throws {
        let run = try await runProgram(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "head -c 300000 /dev/zero | tr '\\0' e >&2; echo out; exit 3"]
        )
        #expect(run.status == 3)
        #expect(run.stdout == "out\n")
        #expect(run.stderr.utf8.count == 300_000)
        #expect(run.stderr.utf8.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    @Test func mergedOutputKeepsBoth() async throws {
        let run = try await runProgram(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "echo one >&2; echo two"],
            mergingOutput: true
        )
        #expect(run.status == 0)
        #expect(run.stdout.contains("one") && run.stdout.contains("two"))
        #expect(run.stderr.isEmpty)
    }
}
