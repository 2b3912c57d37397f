import TestBench
import Testing

/// Every suite that uses the process's private pcscd nests here: `.serialized` applies to
/// nested suites too, so the pcscd restart test never runs beside another bench user.
@Suite(.serialized, .pcscBench, .timeLimit(.minutes(3)))
enum PCSCIntegration {}
