/// Starts a private pcscd with the vpcd driver for integration tests (design.md §10).
public enum TestBench {}
