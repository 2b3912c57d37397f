extension ConnectionTable {
    /// How long a request running when the daemon is told to stop (an upgrade, a restart) may
    /// still finish before it is cancelled (1009, retry): a card read once the card is on the
    /// reader takes 2 to 5 s (docs/performance.md), so the read in flight at the desk is not
    /// lost; a read still waiting for its card is cancelled and the client retries. It stays
    /// below the unit's TimeoutStopSec=10s, which must also cover the rest of the shutdown.
    static let shutdownGrace: Duration = .seconds(6)
}
