import NIOCore
import Testing

@testable import CancuocServer
@testable import ServiceTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Many clients, slow clients, too many clients, idle clients, shutdown.
@Suite(.timeLimit(.minutes(1))) struct APIConnections {
    @Test func twoHundredClientsAllReceiveABroadcast() async throws {
        try await withTimeout(seconds: 40) {
            try await withServer { _, stub, path in
                var clients: [TestClient] = []
                for _ in 0..<200 {
                    clients.append(try await TestClient.connect(to: path))
                }
                for (index, client) in clients.enumerated() {
                    try await client.send(#"{"jsonrpc":"2.0","id":\#(index),"method":"subscribe","params":{}}"#)
                }
                for client in clients {
                    #expect(try await client.nextMessage()["result"]?["subscribed"] == true)
                }
                #expect(stub.subscriberCount == 200)
                try await clients[0].send(#"{"jsonrpc":"2.0","id":"b","method":"broadcast","params":{"reader":"R1"}}"#)
                var received = 0
                for (index, client) in clients.enumerated() {
                    var message = try await client.nextMessage()
                    if index == 0, message["id"] == "b" { message = try await client.nextMessage() }
                    if message["method"] == "card.inserted", message["params"]?["reader"] == "R1",
                        message["id"] == nil
                    {
                        received += 1
                    }
                }
                #expect(received == 200)
                for client in clients { await client.close() }
            }
        }
    }

    @Test func aClientThatDoesNotReadIsDroppedOthersKeepWorking() async throws {
        try await withTimeout {
            try await withServer({ $0.maxQueuedMessagesPerClient = 64 }) { server, stub, path in
                let deaf = try await TestClient.connect(to: path, autoRead: false)
                try await deaf.send(#"{"jsonrpc":"2.0","id":1,"method":"subscribe"}"#)
                try await eventually { stub.subscriberCount == 1 }
                let deafID = try #require(server.connections.first?.id)

                let good = try await TestClient.connect(to: path)
                #expect(try await good.call(1, "subscribe")["result"]?["subscribed"] == true)
                // Rounds of 40 × 16 KiB: each round fits the good client's queue (it reads
                // everything before the next), but the deaf client's socket buffer fills and
                // its queue grows by each round until it passes 64.
                for round in 0..<10 where !stub.wasDisconnected(deafID) {
                    let id = 100 + round
                    try await good.send(
                        #"{"jsonrpc":"2.0","id":\#(id),"method":"flood","params":{"count":40,"size":16384}}"#
                    )
                    var notifications = 0
                    var answered = false
                    while !(answered && notifications == 40) {
                        let message = try await good.nextMessage()
                        if message["id"]?.intValue == id { answered = true } else { notifications += 1 }
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await eventually { stub.wasDisconnected(deafID) }
                #expect(!server.connections.contains { $0.id == deafID })
                #expect(try await good.call(3, "hello")["result"]?["apiLevel"] == 1)
                await deaf.close()
                await good.close()
            }
        }
    }

    @Test func connectionsBeyondTheLimitGetOneErrorLineAndAreClosed() async throws {
        try await withTimeout {
            try await withServer({ $0.maxClients = 3 }) { server, _, path in
                var clients: [TestClient] = []
                for index in 0..<3 {
                    let client = try await TestClient.connect(to: path)
                    #expect(try await client.call(index, "hello")["id"]?.intValue == index)
                    clients.append(client)
                }
                let extra = try await TestClient.connect(to: path)
                let refusal = try await extra.nextMessage()
                #expect(refusal["error"]?["code"] == -32000)
                #expect(refusal["error"]?["data"]?["reason"] == "serverBusy")
                #expect(await extra.nextLine() == nil)
                for (index, client) in clients.enumerated() {
                    #expect(try await client.call(10 + index, "hello")["id"]?.intValue == 10 + index)
                }
                // A freed slot is usable again.
                await clients[0].close()
                try await eventually { server.connections.count == 2 }
                let again = try await TestClient.connect(to: path)
                #expect(try await again.call(20, "hello")["id"] == 20)
                for client in clients.dropFirst() { await client.close() }
                await again.close()
            }
        }
    }

    @Test func idleClientsAreClosedSubscribedOnesAreKept() async throws {
        try await withTimeout {
            // Wide enough that a busy machine between connect and subscribe does not close the
            // subscriber first.
            try await withServer({ $0.idleTimeout = .milliseconds(800) }) { _, _, path in
                let subscribed = try await TestClient.connect(to: path)
                #expect(try await subscribed.call(1, "subscribe")["result"]?["subscribed"] == true)
                let idle = try await TestClient.connect(to: path)
                #expect(await idle.nextLine() == nil)  // closed by the server
                #expect(try await subscribed.call(2, "hello")["id"] == 2)
                await subscribed.close()
            }
        }
    }

    @Test func aLongRequestKeepsItsClientFromBeingIdle() async throws {
        try await withTimeout {
            // The request must outlive the idle timeout several times over; the timeout is wide
            // enough that a busy pool between connect and send does not close the client first.
            try await withServer({ $0.idleTimeout = .milliseconds(600) }) { _, _, path in
                let client = try await TestClient.connect(to: path)
                let response = try await client.call(1, "slow", ["ms": 2500])
                #expect(response["result"]?["slept"] == 2500)
                await client.close()
            }
        }
    }

    @Test func stopClosesClientsTellsTheHandlerAndRemovesTheSocket() async throws {
        try await withTimeout {
            let directory = try makeTemporaryDirectory()
            let path = directory + "/api.sock"
            let stub = StubHandler()
            let server = APIServer(configuration: .init(listen: .path(path), socketGroup: nil), service: stub)
            try await server.start()
            let client = try await TestClient.connect(to: path)
            let id = try #require(try await client.call(1, "whoami")["result"]?["client"]?.int64Value)
            await server.stop()
            #expect(await client.nextLine() == nil)
            #expect(stub.wasDisconnected(UInt64(id)))
            #expect(access(path, F_OK) != 0)
            rmdir(directory)
        }
    }
}
