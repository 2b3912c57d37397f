/// PC/SC part 10 answers, parsed at the edge. Both parsers check every length before
/// reading and throw on malformed input: reader firmware is external data.
public enum ReaderPropertyError: Error, Sendable, Equatable {
    case truncated(offset: Int)
    case badLength(tag: UInt8, length: Int)
}
