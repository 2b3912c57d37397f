import Foundation

/// What a child process left: its exit status and what it wrote.
struct ProgramRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var output: String
    var description: String { "\(command) exited \(status): \(output)" }
}

/// The built `cancuoc` beside the test bundle.
var cancuocBinary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cancuoc")
}

/// Runs a program on a thread of its own: waiting for a child process must not hold one of
/// the cooperative pool's few threads (a simulated card answers on that pool). `environment`
/// is laid over this process's; with `mergingOutput` stderr goes into `stdout` too.
func runProgram(
    _ executable: URL,
    _ arguments: [String],
    environment: [String: String] = [:],
    mergingOutput: Bool = false
) async throws -> ProgramRun {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(
                with: Result {
                    try runBlocking(executable, arguments, environment: environment, mergingOutput: mergingOutput)
                }
            )
        }.start()
    }
}

/// Runs a program, returns its output (stdout and stderr together); throws on a non-zero exit.
@discardableResult
func run(_ program: String, _ arguments: [String]) async throws -> String {
    let result = try await runProgram(URL(fileURLWithPath: program), arguments, mergingOutput: true)
    guard result.status == 0 else {
        throw CommandFailed(
            command: ([program] + arguments).joined(separator: " "),
            status: result.status,
            output: result.stdout
        )
    }
    return result.stdout
}

private func runBlocking(
    _ executable: URL,
    _ arguments: [String],
    environment: [String: String],
    mergingOutput: Bool
) throws -> ProgramRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = mergingOutput ? out : Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // stderr is drained beside stdout: a child that fills the stderr pipe (64 KiB) before it closes
    // stdout would otherwise wait for us while we wait for it.
    let stderr = ErrorOutput()
    if !mergingOutput {
        stderr.done.enter()
        Thread {
            stderr.data = err.fileHandleForReading.readDataToEndOfFile()
            stderr.done.leave()
        }.start()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    stderr.done.wait()
    process.waitUntilExit()
    return ProgramRun(
        status: process.terminationStatus,
        stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr.data, as: UTF8.self)
    )
}

/// What the child wrote on stderr, filled by the thread that drains it (read after `done`).
private final class ErrorOutput: @unchecked Sendable {
    var data = Data()
    let done = DispatchGroup()
}

/// `invalidIDNumber`, `qrTooFewFields`, `dateOfBirth`: a lower-case word with a capital inside
/// (an enum name where a person should read a sentence).
func camelCaseIdentifiers(in text: String) -> [String] {
    text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init).filter { word in
        guard let first = word.first, first.isLowercase else { return false }
        return word.dropFirst().contains { $0.isUppercase }
    }
}
