import Foundation

/// A JSON value already written out: a method's result or a notification's params, encoded
/// once from its Swift type and placed into the JSON-RPC envelope as is.
public struct JSONText: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The one encoding of every API type (docs/api-transport.md): compact, object keys sorted,
    /// non-ASCII as raw UTF-8, `/` not escaped, control characters escaped (so the text never
    /// holds the newline that frames messages). `Data` becomes base64.
    /// Dates are ISO 8601. `pretty` indents, for people at a terminal (`cancuoc … --json`).
    public init(encoding value: some Encodable, pretty: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        bytes = Array(try encoder.encode(value))
    }

    public init(_ value: JSONValue) {
        var bytes: [UInt8] = []
        value.write(into: &bytes)
        self.bytes = bytes
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
