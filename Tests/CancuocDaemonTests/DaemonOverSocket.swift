import CancuocServer
import CardSimulator
import Foundation
import TestBench
import Testing

@testable import CancuocAPI
@testable import CardService
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

extension DaemonIntegration {
    /// What an HIS does with the daemon, over the real socket, with the real core, the bench's
    /// pcscd + vpcd and the simulated chip (docs/api.md "Tests that must exist").
    @Suite(.serialized)
    struct DaemonOverSocket {
        @Test func helloAndReadersListShowTheVirtualReaderWithItsCard() async throws {
            let bench = try await PCSCBench.shared()
            try await RunningDaemon.withClient { daemon, client in
                let (hello, _) = try await client.request(1, "hello")
                #expect(hello["result"]?["apiLevel"]?.intValue == Product.apiLevel)
                #expect(hello["result"]?["version"]?.stringValue == Product.version)

                try await client.subscribe()
                try await bench.insert(card: Citizens.card(Citizens.profile()), slot: 0)
                try await client.waitFor("card.inserted")
                let (list, _) = try await client.request(2, "readers.list")
                let readers = list["result"]?["readers"]?.arrayValue ?? []
                let reader = try #require(readers.first { $0["name"]?.stringValue == "Virtual PCD 00 00" })
                #expect(reader["id"]?.stringValue == "Virtual PCD 00 00")
                #expect(reader["cardPresent"] == .bool(true))
                #expect(reader["atr"]?.stringValue?.hasPrefix("3B") == true)
                #expect(reader["identity"]?["vid"] == .null)
                #expect(reader["identity"]?["serial"] == .null)
            }
        }

        @Test func subscriberSeesInsertAndCompletionWithoutPersonalData() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.with { daemon in
                let reception = try await daemon.connect()
                let observer = try await daemon.connect()
                defer {
                    Task {
                        await reception.close()
                        await observer.close()
                    }
                }
                try await reception.subscribe()
                try await observer.subscribe()

                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let (inserted, _) = try await reception.waitFor("card.inserted")
                #expect(inserted["params"]?["reader"]?.stringValue == "Virtual PCD 00 00")
                #expect(inserted["params"]?["atr"]?.stringValue?.isEmpty == false)

                let (response, notes) = try await reception.request(
                    2,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                let record = try #require(response["result"])
                #expect(record["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
                #expect(record["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
                #expect((record["face"]?["data"] ?? .null) == .null)
                #expect(notes.contains { $0["method"]?.stringValue == "read.progress" })

                let (completed, lines) = try await observer.waitFor("read.completed")
                let params = try #require(completed["params"])
                #expect(params["outcome"]?.stringValue == "ok")
                #expect(params["access"]?.stringValue == "PACE")
                #expect(params["verification"]?.stringValue != nil)
                #expect((params["apdus"]?.intValue ?? 0) > 0)
                #expect(params["durationMs"]?.intValue != nil)
                // The other subscriber never saw the citizen: no ID, name, document number or progress.
                let seen = lines.joined(separator: "\n")
                #expect(!seen.contains(profile.dg13.idNumber))
                #expect(!seen.contains(profile.dg13.fullName))
                #expect(!seen.contains(String(profile.dg13.idNumber.suffix(9))))
                #expect(!seen.contains("read.progress"))
                #expect(!seen.contains("person"))
            }
        }

        @Test func waitForCardSecondsIsSatisfiedByACardPlacedAfterTheRequest() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("dang-ngoc-mai")
            await bench.remove(slot: 0)
            try await RunningDaemon.withClient { daemon, client in
                async let read = client.request(
                    3,
                    "card.read",
                    [
                        "reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)],
                        "waitForCardSeconds": 15,
                    ]
                )
                try await Task.sleep(for: .milliseconds(700))
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let (response, _) = try await read
                #expect(response["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func withoutANamedReaderTheFirstReaderToGetACardIsRead() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile("le-thi-hong-nhung")
            await bench.removeAll()
            try await RunningDaemon.withClient { daemon, client in
                async let read = client.request(
                    3,
                    "card.read",
                    ["key": ["id": .string(profile.dg13.idNumber)], "waitForCardSeconds": 15]
                )
                try await Task.sleep(for: .milliseconds(700))
                try await bench.insert(card: Citizens.card(profile), slot: 1)
                let (response, _) = try await read
                #expect(response["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func noCardWithoutWaitingIsError1002() async throws {
            let bench = try await PCSCBench.shared()
            await bench.remove(slot: 0)
            try await RunningDaemon.withClient { daemon, client in
                let (response, _) = try await client.request(
                    4,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["can": "123456"]]
                )
                #expect(errorCode(response) == 1002)
                #expect(errorReason(response) == "noCard")
                #expect(response["error"]?["data"]?["messageVi"]?.stringValue?.isEmpty == false)
            }
        }

        @Test func cardPulledMidReadIsError1004AndTheNextReadSucceeds() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.withClient { daemon, client in
                try await bench.insert(card: Citizens.card(profile, latency: .milliseconds(20)), slot: 0)
                try await client.send(
                    #"{"jsonrpc":"2.0","id":5,"method":"card.read","params":{"reader":"Virtual PCD 00 00","key":{"id":"\#(profile.dg13.idNumber)"}}}"#
                )
                try await client.waitFor("read.progress")
                await bench.remove(slot: 0)
                var response: JSONValue = .null
                while response["id"]?.intValue != 5 {
                    response = try await withTimeout { try await client.nextMessage() }
                }
                #expect(errorCode(response) == 1004)
                #expect(errorReason(response) == "cardRemoved")

                // vpcd takes a new card only once pcscd has finished with the lost one (its
                // reset fails and the slot is polled again): a person takes longer than that too.
                try await Task.sleep(for: .seconds(2))
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let (again, _) = try await client.request(
                    6,
                    "card.read",
                    ["reader": "Virtual PCD 00 00", "key": ["id": .string(profile.dg13.idNumber)]]
                )
                #expect(again["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func aSecondClientReadingTheSameReaderGetsReaderBusy() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.with { daemon in
                let first = try await daemon.connect()
                let second = try await daemon.connect()
                defer {
                    Task {
                        await first.close()
                        await second.close()
                    }
                }
                try await bench.insert(card: Citizens.card(profile, latency: .milliseconds(10)), slot: 0)
                let key: JSONValue = ["id": .string(profile.dg13.idNumber)]
                try await first.send(
                    #"{"jsonrpc":"2.0","id":7,"method":"card.read","params":{"key":\#(key.serialized),"reader":"Virtual PCD 00 00"}}"#
                )
                try await first.waitFor("read.progress")
                let (busy, _) = try await second.request(8, "card.read", ["reader": "Virtual PCD 00 00", "key": key])
                #expect(errorCode(busy) == 1005)
                #expect(errorReason(busy) == "readerBusy")
                var response: JSONValue = .null
                while response["id"]?.intValue != 7 {
                    response = try await withTimeout { try await first.nextMessage() }
                }
                #expect(response["result"]?["person"]?["fullName"]?.stringValue == profile.dg13.fullName)
            }
        }

        @Test func wrongKeyIsError1003AndTheRightKeyThenReads() async throws {
            let bench = try await PCSCBench.shared()
            let profile = try Citizens.profile()
            try await RunningDaemon.withClient { daemon, client in
                try await bench.insert(card: Citizens.card(profile), slot: 0)
                let wrongCAN = profile.dg13.idNumber.suffix(6) == "000000" ? "111111" : "000000"
                let (wrong, _) = try await client.request(
                    9,
                    "card.read",
                    ["key": ["can": .string(wrongCAN)], "reader": "Virtual PCD 00 00"]
                )
                #expect(errorCode(wrong) == 1003)
                #expect(errorReason(wrong) == "wrongKey")
                let (right, _) = try await client.request(
                    10,
                    "card.read",
                    ["key": ["id": .string(profile.dg13.idNumber)], "reader": "Virtual PCD 00 00"]
                )
                #expect(right["result"]?["person"]?["idNumber"]?.stringValue == profile.dg13.idNumber)
            }
        }

        @Test func twoHundredSubscribersAllGetCardInserted() async throws {
            let bench = try await PCSCBench.shared()
            await bench.remove(slot: 0)
            try await RunningDaemon.with { daemon in
                var clients: [TestClient] = []
                for index in 0..<200 {
                    let client = try await daemon.connect()
                    clients.append(client)
                    try await client.subscribe(1000 + index)
                }
                defer {
                    let all = clients
                    Task { for client in all { await client.close() } }
                }
                try await bench.insert(card: Citizens.card(Citizens.profile()), slot: 0)
                let received = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for client in clients {
                        group.addTask {
                            let (message, _) = try await client.waitFor("card.inserted")
                            return message["params"]?["reader"]?.stringValue == "Virtual PCD 00 00"
                        }
                    }
                    var count = 0
                    for try await ok in group where ok { count += 1 }
                    return count
                }
                #expect(received == 200)
            }
        }

        @Test func protocolErrorsAreAnsweredWhileAnotherClientIsServed() async throws {
            try await RunningDaemon.with({ $0.maxLineLength = 4096 }) { daemon in
                let faulty = try await daemon.connect()
                let good = try await daemon.connect()
                defer {
                    Task {
                        await faulty.close()
                        await good.close()
                    }
                }

                try await faulty.send("{not json")
                #expect(errorCode(try await withTimeout { try await faulty.nextMessage() }) == -32700)
                #expect(errorCode(try await good.request(1, "hello").response) == nil)

                #expect(errorCode(try await faulty.request(2, "card.erase").response) == -32601)
                #expect(errorCode(try await faulty.request(3, "reader.format").response) == -32601)
                #expect(errorCode(try await good.request(4, "readers.list").response) == nil)

                #expect(errorCode(try await faulty.request(5, "card.read", ["key": 5]).response) == -32602)
                #expect(errorCode(try await faulty.request(6, "card.read", [:]).response) == -32602)
                #expect(errorCode(try await faulty.request(7, "card.read", ["key": ["can": "12"]]).response) == -32602)
                #expect(
                    errorCode(
                        try await faulty.request(8, "card.read", ["key": ["can": "123456"], "waitForCardSeconds": -1])
                            .response
                    ) == -32602
                )
                #expect(errorCode(try await good.request(10, "hello").response) == nil)

                try await faulty.send(
                    #"{"jsonrpc":"2.0","id":11,"method":"hello","params":{"pad":""#
                        + String(repeating: "x", count: 8192) + #""}}"#
                )
                #expect(errorCode(try await withTimeout { try await faulty.nextMessage() }) == -32600)
                #expect(errorCode(try await good.request(12, "hello").response) == nil)
            }
        }

        @Test func theCommandLineClientGetsResultsErrorsAndEvents() async throws {
            try await RunningDaemon.with { daemon in
                let connection = try UnixSocketClient(path: daemon.path)
                let hello = try connection.call(method: "hello")
                #expect(hello["result"]?["apiLevel"]?.intValue == Product.apiLevel)
                let unknown = try connection.call(method: "card.erase")
                #expect(errorCode(unknown) == -32601)
                let subscribed = try connection.call(method: "events.subscribe")
                #expect(subscribed["result"]?["subscribed"] == .bool(true))
                #expect(throws: UnixSocketClient.Failure.self) {
                    try UnixSocketClient(path: daemon.directory + "/missing.sock")
                }
            }
        }

        @Test func theSocketIsMode0660() async throws {
            try await RunningDaemon.with { daemon in
                var info = stat()
                #expect(stat(daemon.path, &info) == 0)
                #expect(info.st_mode & 0o777 == 0o660)
                #expect(info.st_mode & S_IFMT == S_IFSOCK)
            }
        }
    }
}
