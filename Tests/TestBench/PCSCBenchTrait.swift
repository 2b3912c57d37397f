// The benchmark links TestBench into a --static-swift-stdlib build, where swift-testing is
// not available: the trait exists only where tests can use it.
#if canImport(Testing)
import Testing

/// `@Suite(.pcscBench)`: the suite (or test) holds the process's private pcscd alone while it
/// runs, so suites of different test targets never share it concurrently (a pcscd restart or a
/// card in a slot would otherwise leak between them). Cards left inserted are removed after.
public struct PCSCBenchTrait: SuiteTrait, TestTrait, TestScoping {
    /// Applied to a suite, the scope wraps the whole suite once, not each test.
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await PCSCBench.run { _ in try await function() }
    }
}

extension Trait where Self == PCSCBenchTrait {
    /// Exclusive use of the private pcscd + vpcd bench (see `PCSCBench.run`).
    public static var pcscBench: Self { Self() }
}
#endif
