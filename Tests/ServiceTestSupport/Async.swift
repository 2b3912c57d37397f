import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct TimedOut: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "timed out after \(seconds) s" }
}

/// Run `body`, failing with `TimedOut` if it takes longer than `seconds`: a guard against a
/// hang, never a measurement. Give it a minute: the test process's two cooperative threads are
/// shared with other suites' CPU work (design.md §10) on a machine that may be loaded, and a
/// short guard then fails a body that was only waiting for a thread.
func withTimeout<T: Sendable>(
    seconds: Double = 60,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask(operation: body)
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(seconds: seconds)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimedOut(seconds: seconds) }
        return first
    }
}

/// Poll `condition` every 10 ms until it holds (callers wrap this in `withTimeout`).
func eventually(_ condition: @Sendable () -> Bool) async throws {
    while !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A fresh private directory for one test's socket.
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/cancuoc-api-XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
        guard let base = buffer.baseAddress else { return false }
        return mkdtemp(base) != nil
    }
    guard created else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
