import Testing
@Suite struct MRTDTestsPlaceholder { @Test func builds() { #expect(Bool(true)) } }
