import Testing
@Suite struct CCCDTestsPlaceholder { @Test func builds() { #expect(Bool(true)) } }
