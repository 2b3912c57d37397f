import Foundation
import Testing

@testable import CancuocAPI
@testable import ServiceTestSupport

@Suite struct APIJSONValue {
    @Test func integersStayExact() throws {
        let value = try JSONParser().parse(#"{"id":9007199254740993,"big":-9223372036854775808,"f":1.5,"e":1e3}"#)
        #expect(value["id"] == .int(9_007_199_254_740_993))
        #expect(value["big"] == .int(Int64.min))
        #expect(value["f"] == .double(1.5))
        #expect(value["e"] == .double(1000))
        #expect(value["id"]?.intValue == 9_007_199_254_740_993)
    }

    @Test func serializesCompactSortedUnescapedUTF8() {
        let value: JSONValue = ["name": "Nguyễn Văn An", "path": "a/b", "n": 1, "list": [true, nil, 2.5]]
        #expect(value.serialized == #"{"list":[true,null,2.5],"n":1,"name":"Nguyễn Văn An","path":"a/b"}"#)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let value = JSONValue.string("a\"b\\c\nd\u{01}\t")
        #expect(value.serialized == #""a\"b\\c\nd\u0001\t""#)
        #expect(try JSONParser().parse(value.serialized) == value)
    }

    @Test func parsesEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser().parse(#""\u0041\/\ud83d\ude00\u1ec5""#) == .string("A/😀ễ"))
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, "01", "1.", "-", "tru", #""\x""#, #""\ud800""#, "[1] 2", "nan", "\"a\nb\"",
    ])
    func refusesMalformedDocuments(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser().parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser().parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONParser().parse(fine).arrayValue?.count == 1)
    }

    struct Record: Codable, Equatable {
        var fullName: String
        var dateOfBirth: String
        var spouseName: String?
        var face: Data
        var apdus: Int
    }

    @Test func codableTypesAreEncodedOnceAndDecodedFromTheParsedTree() throws {
        let record = Record(
            fullName: "Trần Thị Bình/2",
            dateOfBirth: "1999-03-15",
            spouseName: nil,
            face: Data([0xFF, 0xD8]),
            apdus: 23
        )
        let text = try JSONText(encoding: record)
        #expect(
            text.description == #"{"apdus":23,"dateOfBirth":"1999-03-15","face":"/9g=","fullName":"Trần Thị Bình/2"}"#
        )
        let value = try JSONParser().parse(text.bytes)
        #expect(try value.decodeParams(Record.self) == record)
    }

    struct Numbers: Decodable, Equatable {
        var small: UInt8
        var big: Int64
        var ratio: Double
        var flag: Bool?
        var list: [Int]
        var when: Date
    }

    @Test func decodingFromTheTreeKeepsNumbersExact() throws {
        let value: JSONValue = [
            "small": 200, "big": .int(Int64.max), "ratio": 1, "list": [1, 2, 3],
            "when": "2026-12-05T11:40:00Z",
        ]
        let numbers = try value.decodeParams(Numbers.self)
        #expect(
            numbers
                == Numbers(
                    small: 200,
                    big: .max,
                    ratio: 1,
                    flag: nil,
                    list: [1, 2, 3],
                    when: Date(timeIntervalSince1970: 1_796_470_800)
                )
        )
        #expect(throws: APIError.self) {
            try (["small": 256, "big": 1, "ratio": 1, "list": [], "when": "x"] as JSONValue).decodeParams(Numbers.self)
        }
        #expect(throws: APIError.self) {
            try (["small": 1.5, "big": 1, "ratio": 1, "list": [], "when": "x"] as JSONValue).decodeParams(Numbers.self)
        }
    }

    @Test func decodeParamsNamesTheFieldNotTheValue() {
        let params: JSONValue = ["fullName": 5, "dateOfBirth": "secret-value", "face": "", "apdus": 1]
        do {
            _ = try params.decodeParams(Record.self)
            Issue.record("expected invalidParams")
        } catch {
            #expect(error.kind == .invalidParams)
            #expect(error.message.contains("fullName"))
            #expect(!error.message.contains("secret"))
        }
    }

    @Test func codableRoundTripOfJSONValueItself() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, false], "b": ["c": "d"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}

@Suite struct APIErrors {
    @Test(arguments: APIError.Kind.allCases)
    func everyKindHasCodeReasonAndBothMessages(_ kind: APIError.Kind) {
        let object = APIError(kind).jsonValue
        #expect(object["code"]?.intValue == kind.code)
        #expect(object["message"]?.stringValue?.isEmpty == false)
        #expect(object["data"]?["reason"] == .string(kind.rawValue))
        #expect(object["data"]?["messageVi"]?.stringValue?.isEmpty == false)
    }

    @Test func codesFollowDesign93() {
        let expected: [APIError.Kind: Int] = [
            .parseError: -32700, .invalidRequest: -32600, .methodNotFound: -32601, .invalidParams: -32602,
            .internalError: -32603, .noReader: 1001, .noCard: 1002, .wrongKey: 1003, .cardRemoved: 1004,
            .readerBusy: 1005, .unreadableCard: 1006, .pcscUnavailable: 1007, .timeout: 1008, .cancelled: 1009,
        ]
        for (kind, code) in expected { #expect(kind.code == code, "\(kind)") }
        #expect(Set(APIError.Kind.allCases.map(\.code)).count == APIError.Kind.allCases.count)
    }

    @Test func detailCannotOverrideReason() {
        let error = APIError(.noCard, detail: ["reason": "other", "reader": "R1"])
        #expect(error.jsonValue["data"]?["reason"] == "noCard")
        #expect(error.jsonValue["data"]?["reader"] == "R1")
    }
}

@Suite struct APIJSONValueRoundTrip {
    /// A small deterministic generator so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomValue(depth: Int, using rng: inout SplitMix) -> JSONValue {
        let alphabet = Array("aZ09 \"\\/\n\t\u{01}ễđ😀€")
        func randomString() -> String {
            String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "a" })
        }
        switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: .min ... .max, using: &rng))
        case 3: return .double(Double.random(in: -1e12...1e12, using: &rng))
        case 4: return .string(randomString())
        case 5:
            return .array(
                (0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(depth: depth + 1, using: &rng) }
            )
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                members[randomString()] = randomValue(depth: depth + 1, using: &rng)
            }
            return .object(members)
        }
    }

    @Test func serializeThenParseIsIdentity() throws {
        var rng = SplitMix(state: 0xCA2C_0C)
        for _ in 0..<2000 {
            let value = Self.randomValue(depth: 0, using: &rng)
            let text = value.serialized
            #expect(!text.contains("\n"))
            #expect(try JSONParser().parse(text) == value, "\(text)")
        }
    }
}

@Suite struct RecordingConnection {
    @Test func aClosedConnectionSendsNothingMore() {
        let (connection, transport) = Connection.recording(id: 7, mayReceiveRecords: true)
        connection.notify(.cardRemoved(ReaderRef(reader: "R1", name: "Reader 1")))
        #expect(
            transport.messages == [
                ["jsonrpc": "2.0", "method": "card.removed", "params": ["name": "Reader 1", "reader": "R1"]]
            ]
        )
        connection.close()
        connection.notify(.pcscRestored)
        #expect(transport.messages.count == 1)
        #expect(!connection.isConnected)
        #expect(transport.closed)
    }
}
