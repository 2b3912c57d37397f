/// The daemon core: reader sessions, the JSON API, usage and inventory; and the read path
/// shared by the daemon and the command line.
public enum CancuocService {
    public static let version = "0.1.0"
    /// Raised only for breaking API changes (design.md §6).
    public static let apiLevel = 1
}
