/// The product's version and the API's level, told by `hello` and `--version`.
public enum Product {
    public static let version = "0.1.0"
    /// Raised only for breaking API changes (docs/api.md).
    public static let apiLevel = 1
}
