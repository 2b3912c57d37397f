/// A reader by its PC/SC name, on one context: the entry point for scoped card access.
public struct Reader: Sendable, Hashable {
    public let name: String
    public let context: PCSCContext

    public init(name: String, context: PCSCContext) {
        self.name = name
        self.context = context
    }

    /// Connects, runs `body`, and disconnects with `disposition` (reset by default) on
    /// every exit path, so a card is never left connected or holding session state.
    public func withCard<T>(
        share: ShareMode = .shared,
        protocols: CardProtocols = .any,
        disposition: Disposition = .reset,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Card) async throws -> T
    ) async throws -> T {
        let card = try await Card.connect(reader: name, context: context, share: share, protocols: protocols)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(card))
        } catch {
            result = .failure(error)
        }
        do {
            try await card.disconnect(disposition)
        } catch {
            if case .success = result, error.category != .cardRemoved, error.category != .noCard { throw error }
        }
        return try result.get()
    }

    public static func == (a: Reader, b: Reader) -> Bool { a.name == b.name && a.context === b.context }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
