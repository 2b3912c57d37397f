import Testing
@Suite struct PCSCTestsPlaceholder { @Test func builds() { #expect(Bool(true)) } }
