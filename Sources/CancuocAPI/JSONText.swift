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
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
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

/// `Optional` that is always written: `null` when absent, never a missing key. The API's
/// objects have a fixed set of keys (docs/api.md), so clients need not tell "absent" from
/// "unknown".
@propertyWrapper
public struct ExplicitNull<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A missing key decodes as `null` (the synthesized decoder would otherwise require it).
    public func decode<V>(_ type: ExplicitNull<V>.Type, forKey key: Key) throws -> ExplicitNull<V> {
        try decodeIfPresent(type, forKey: key) ?? ExplicitNull(wrappedValue: nil)
    }
}
