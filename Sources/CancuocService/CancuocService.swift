/// The daemon core: reader sessions, the JSON API, usage and inventory.
public enum CancuocService {
    public static let version = "0.1.0"
}
