import Foundation

/// Decodes a `Decodable` straight from a parsed `JSONValue`, so request params are decoded
/// once from the tree the request parser built (no second pass through bytes). Numbers are
/// exact: an integer member decodes into any integer type it fits, a fractional one only
/// into floating point.
struct JSONValueDecoder {
    func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: Node(value: value, codingPath: []))
    }
}

private struct Node: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: JSONValue].self) }
        return KeyedDecodingContainer(Keyed<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self) }
        return Unkeyed(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: self) }

    func mismatch(_ type: Any.Type) -> DecodingError {
        if value.isNull {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "null"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "wrong JSON type"))
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is JSONValue.Type:
            return value as! T
        case is Bool.Type:
            guard case .bool(let b) = value else { throw mismatch(type) }
            return b as! T
        case is Data.Type:
            // Base64, as `JSONText` writes it.
            guard case .string(let s) = value, let data = Data(base64Encoded: s) else { throw mismatch(type) }
            return data as! T
        case is Date.Type:
            // ISO 8601, as `JSONText` writes it.
            guard case .string(let s) = value, let date = try? Date(s, strategy: .iso8601) else { throw mismatch(type) }
            return date as! T
        case is String.Type:
            guard case .string(let s) = value else { throw mismatch(type) }
            return s as! T
        case is Double.Type:
            guard let d = value.doubleValue else { throw mismatch(type) }
            return d as! T
        case is Float.Type:
            guard let d = value.doubleValue else { throw mismatch(type) }
            return Float(d) as! T
        case let integer as any FixedWidthInteger.Type:
            guard let exact = value.int64Value, let fitted = integer.init(exactly: exact) else { throw mismatch(type) }
            return fitted as! T
        default:
            return try T(from: self)
        }
    }
}

private struct Index: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]
    var allKeys: [Key] { members.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    func node(_ key: Key) throws -> Node {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return Node(value: value, codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { members[key.stringValue]?.isNull ?? true }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try node(key).decode(type) }
    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try node(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try node(key).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { Node(value: .object(members), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try node(key) }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func next() throws -> Node {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self,
                .init(codingPath: codingPath, debugDescription: "end of array")
            )
        }
        defer { currentIndex += 1 }
        return Node(value: elements[currentIndex], codingPath: codingPath + [Index(intValue: currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct Single: SingleValueDecodingContainer {
    let node: Node
    var codingPath: [any CodingKey] { node.codingPath }
    func decodeNil() -> Bool { node.value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try node.decode(type) }
}
