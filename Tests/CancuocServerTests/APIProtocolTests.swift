import NIOCore
import Testing

@testable import CancuocAPI
@testable import ServiceTestSupport

/// JSON-RPC over the socket, as a HIS sees it (docs/api-transport.md).
@Suite(.timeLimit(.minutes(1))) struct APIProtocol {
    @Test func helloRoundTrip() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{}}"#)
                let line = try #require(await client.nextLine())
                #expect(line == #"{"jsonrpc":"2.0","id":1,"result":{"apiLevel":1,"version":"test"}}"#)
                await client.close()
            }
        }
    }

    @Test func stringIDsAndMissingParamsAreAccepted() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(#"{"jsonrpc":"2.0","id":"a-1","method":"echo"}"#)
                let response = try await client.nextMessage()
                #expect(response["id"] == "a-1")
                #expect(response["result"] == .object([:]))
                await client.close()
            }
        }
    }

    @Test func vietnameseAndSlashesAreWrittenUnescaped() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(
                    #"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"n":"Nguyễn Văn An","p":"a\/b"}}"#
                )
                let line = try #require(await client.nextLine())
                #expect(line == #"{"jsonrpc":"2.0","id":1,"result":{"n":"Nguyễn Văn An","p":"a/b"}}"#)
                await client.close()
            }
        }
    }

    @Test func unknownMethodIsMethodNotFound() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                let response = try await client.call(7, "card.teleport")
                #expect(response["id"] == 7)
                #expect(response["error"]?["code"] == -32601)
                #expect(response["error"]?["data"]?["reason"] == "methodNotFound")
                await client.close()
            }
        }
    }

    @Test func malformedJSONIsParseErrorAndTheConnectionGoesOn() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(#"{"jsonrpc":"2.0","id":1,"method":"hello""#)
                let error = try await client.nextMessage()
                #expect(error["id"] == .null)
                #expect(error["error"]?["code"] == -32700)
                #expect(try await client.call(2, "hello")["result"]?["apiLevel"] == 1)
                await client.close()
            }
        }
    }

    @Test func oneMebibyteLineIsRefusedAndTheConnectionGoesOn() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                var huge = Array(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":""#.utf8)
                huge += [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
                huge += Array("\"}}\n".utf8)
                try await client.sendBytes(huge)
                let error = try await client.nextMessage()
                #expect(error["error"]?["code"] == -32600)
                #expect(error["error"]?["data"]?["limit"] == 65536)
                #expect(error["error"]?["message"]?.stringValue?.contains("too large") == true)
                #expect(try await client.call(2, "hello")["id"] == 2)
                await client.close()
            }
        }
    }

    @Test func lineAtTheLimitIsAccepted() async throws {
        try await withTimeout {
            try await withServer({ $0.maxLineLength = 1000 }) { _, _, path in
                let client = try await TestClient.connect(to: path)
                let prefix = #"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":""#
                let padding = String(repeating: "b", count: 1000 - prefix.utf8.count - 3)
                try await client.send(prefix + padding + #""}}"#)
                #expect(try await client.nextMessage()["result"]?["x"]?.stringValue?.count == padding.count)
                try await client.send(prefix + padding + #"b"}}"#)
                #expect(try await client.nextMessage()["error"]?["code"] == -32600)
                await client.close()
            }
        }
    }

    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":1,"params":{}}"#, -32600, JSONValue.int(1)),
        (#"{"jsonrpc":"1.0","id":2,"method":"hello"}"#, -32600, .int(2)),
        (#"{"id":3,"method":"hello"}"#, -32600, .int(3)),
        (#"{"jsonrpc":"2.0","id":4,"method":5}"#, -32600, .int(4)),
        (#"{"jsonrpc":"2.0","id":5,"method":"echo","params":"x"}"#, -32602, .int(5)),
        (#"{"jsonrpc":"2.0","id":6,"method":"echo","params":7}"#, -32602, .int(6)),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"hello"}"#, -32600, .null),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"hello"}"#, -32600, .null),
        (#"[{"jsonrpc":"2.0","id":1,"method":"hello"}]"#, -32600, .null),
        (#""hello""#, -32600, .null),
    ])
    func invalidRequestShapes(_ line: String, _ code: Int, _ id: JSONValue) async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(line)
                let response = try await client.nextMessage()
                #expect(response["error"]?["code"]?.intValue == code)
                #expect(response["id"] == id)
                #expect(response["jsonrpc"] == "2.0")
                await client.close()
            }
        }
    }

    @Test func clientNotificationsGetNoResponse() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(#"{"jsonrpc":"2.0","method":"echo","params":{}}"#)
                try await client.send(#"{"jsonrpc":"2.0","method":"no.such.method"}"#)
                try await client.send("")
                #expect(try await client.call(2, "hello")["id"] == 2)
                await client.close()
            }
        }
    }

    @Test func requestsOfOneClientRunConcurrentlyAndAnswerOutOfOrder() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(#"{"jsonrpc":"2.0","id":"slow","method":"slow","params":{"ms":400}}"#)
                try await client.send(#"{"jsonrpc":"2.0","id":"fast","method":"hello"}"#)
                #expect(try await client.nextMessage()["id"] == "fast")
                #expect(try await client.nextMessage()["id"] == "slow")
                await client.close()
            }
        }
    }

    @Test(arguments: APIError.Kind.allCases)
    func applicationErrorsReachTheClient(_ kind: APIError.Kind) async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                let response = try await client.call(1, "fail", ["reason": .string(kind.rawValue)])
                let error = try #require(response["error"])
                #expect(error["code"]?.intValue == kind.code)
                #expect(error["message"]?.stringValue == kind.message)
                #expect(error["data"]?["reason"]?.stringValue == kind.rawValue)
                #expect(error["data"]?["messageVi"]?.stringValue == kind.messageVi)
                #expect(error["data"]?["reader"] == "Virtual PCD 00 00")
                await client.close()
            }
        }
    }

    @Test func nonAPIErrorsBecomeInternalErrors() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                let response = try await client.call(1, "crash")
                #expect(response["error"]?["code"] == -32603)
                #expect(response["error"]?["data"]?["reason"] == "internalError")
                await client.close()
            }
        }
    }

    @Test func tooManyRequestsInFlightOnOneConnectionAreRefused() async throws {
        try await withTimeout {
            try await withServer({ $0.maxRequestsInFlightPerClient = 2 }) { _, _, path in
                let client = try await TestClient.connect(to: path)
                // Two requests that stay in flight until the client leaves (a loaded machine can
                // take longer than any short delay to read the third), then the third.
                for id in 1...3 {
                    try await client.send(#"{"jsonrpc":"2.0","id":\#(id),"method":"slow","params":{"ms":30000}}"#)
                }
                let refused = try await client.nextMessage()
                #expect(refused["id"] == 3)
                #expect(refused["error"]?["code"] == -32000)
                await client.close()
            }
        }
    }

    @Test func disconnectingCancelsInFlightRequestsAndTellsTheHandler() async throws {
        try await withTimeout {
            try await withServer { server, stub, path in
                let client = try await TestClient.connect(to: path)
                let me = try await client.call(1, "whoami")
                let id = try #require(me["result"]?["client"]?.int64Value)
                try await client.send(#"{"jsonrpc":"2.0","id":2,"method":"slow","params":{"ms":30000}}"#)
                try await eventually { server.connections.first { $0.id == UInt64(id) }?.requestsInFlight == 1 }
                await client.close()
                try await eventually { stub.wasDisconnected(UInt64(id)) && stub.cancelledCount == 1 }
            }
        }
    }

    @Test func aClientThatHalfClosesStillGetsItsAnswersThenEOF() async throws {
        try await withTimeout {
            try await withServer { _, _, path in
                let client = try await TestClient.connect(to: path)
                try await client.send(#"{"jsonrpc":"2.0","id":1,"method":"slow","params":{"ms":100}}"#)
                try await client.sendBytes(Array(#"{"jsonrpc":"2.0","id":2,"method":"hello"}"#.utf8))  // no newline
                try await client.finishSending()
                var ids: Set<JSONValue> = []
                while let line = await client.nextLine() {
                    ids.insert(try JSONParser().parse(line)["id"] ?? .null)
                }
                #expect(ids == [1, 2])
            }
        }
    }

    @Test func aSubscribedClientThatHalfClosesKeepsReceivingEvents() async throws {
        try await withTimeout {
            try await withServer { _, stub, path in
                let listener = try await TestClient.connect(to: path)
                #expect(try await listener.call(1, "subscribe")["result"]?["subscribed"] == true)
                try await listener.finishSending()
                try await Task.sleep(for: .milliseconds(50))
                let other = try await TestClient.connect(to: path)
                #expect(try await other.call(1, "broadcast", ["reader": "R2"])["result"]?["sent"] == 1)
                #expect(try await listener.nextMessage()["params"]?["reader"] == "R2")
                #expect(stub.subscriberCount == 1)
                await listener.close()
                await other.close()
            }
        }
    }
}
