import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Gives freed heap back to the system a moment after connections close: glibc keeps freed
/// arenas, so without this a burst of hostile clients leaves the daemon's resident memory at
/// its peak for ever. At most once every `interval`; `ConnectionAcceptor` calls it after every
/// connection of every transport has finished.
enum MemoryRelease {
    /// The wait before `malloc_trim`, so that a burst of closes costs one trim.
    static let interval: Duration = .seconds(2)
    private static let scheduled = Mutex(false)
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    @Sendable static func soon() {
        guard
            scheduled.withLock({ state in
                defer { state = true }
                return !state
            })
        else { return }
        Task {
            try? await Task.sleep(for: interval)
            scheduled.withLock { $0 = false }
            _ = trim?(0)
        }
    }
}
