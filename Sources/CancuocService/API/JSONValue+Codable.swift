import Foundation

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value):
            if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Convert any `Encodable` (for example the citizen record) to a `JSONValue`, so the
    /// daemon core can return its Codable types as a method result.
    /// `Data` becomes base64, as JSONEncoder does by default.
    public init(encoding value: some Encodable, using encoder: JSONEncoder = JSONEncoder()) throws {
        let data = try encoder.encode(value)
        do {
            self = try JSONParser(maxDepth: 512).parse(data)
        } catch {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "JSONEncoder output did not parse: \(error)"))
        }
    }

    /// Decode a `Decodable` from this value (the reverse of `init(encoding:)`).
    public func decode<T: Decodable>(_ type: T.Type, using decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(serialized.utf8))
    }

    /// Decode request params, turning a decoding failure into `APIError.invalidParams`
    /// (-32602) that names the offending field but never echoes its value (params can carry
    /// personal data).
    public func decodeParams<T: Decodable>(_ type: T.Type, using decoder: JSONDecoder = JSONDecoder()) throws(APIError)
        -> T
    {
        do {
            return try decode(type, using: decoder)
        } catch let error as DecodingError {
            throw APIError.invalidParams(Self.explain(error))
        } catch {
            throw APIError.invalidParams("params could not be decoded")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "params" : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(type), not null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)) is invalid"
        @unknown default:
            return "params could not be decoded"
        }
    }
}
