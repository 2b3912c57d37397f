import FuzzHarness

// libFuzzer supplies `main`; this file holds only the entry point (docs/design.md §10).
// FUZZ_TARGET picks the parser; an unknown or missing name is a setup error, reported once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard let target = FuzzHarness.targetFromEnvironment else {
        fatalError("set FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
    FuzzHarness.run(target, bytes)
    return 0
}
