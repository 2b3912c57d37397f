import Testing

@testable import CancuocService

/// The core's methods without a socket or pcscd (`APIClient(testingID:)`).
@Suite struct DaemonCoreTests {
    @Test func recordsSubscriptionNeedsTheSocketGroup() async throws {
        let core = DaemonCore()
        let outsider = APIClient(testingID: 1, isInSocketGroup: false)
        await #expect {
            _ = try await core.handle(method: "events.subscribe", params: ["records": true], client: outsider)
        } throws: { error in
            (error as? APIError)?.code == -32602
        }
        #expect(!outsider.isSubscribed)

        let member = APIClient(testingID: 2, isInSocketGroup: true)
        let result = try await core.handle(method: "events.subscribe", params: ["records": true], client: member)
        #expect(result["records"] == .bool(true))
        #expect(member.isSubscribed)
    }

    @Test func helloReportsTheAPILevelAndFacility() async throws {
        var configuration = DaemonConfiguration()
        configuration.facility = .init(id: "79001", name: "Phòng khám B")
        let result = try await DaemonCore(configuration: configuration)
            .handle(method: "hello", params: [:], client: APIClient(testingID: 1))
        #expect(result["apiLevel"]?.intValue == CancuocService.apiLevel)
        #expect(result["facility"]?.stringValue == "Phòng khám B")
        #expect(result["facilityId"]?.stringValue == "79001")
    }

    @Test(arguments: [
        (ReadFailure.noReader("x"), 1001), (.noCard, 1002), (.wrongKey, 1003), (.cardRemoved, 1004),
        (.readerBusy, 1005), (.unreadableCard("x"), 1006), (.pcscUnavailable("x"), 1007), (.timeout, 1008),
        (.cancelled, 1009), (.badKey(.idNumber), -32602), (.internal("secret detail"), -32603),
    ])
    func readFailuresMapToTheStableCodes(failure: ReadFailure, code: Int) {
        let error = failure.apiError(reader: "Virtual PCD 00 00")
        #expect(error.code == code)
        #expect(error.jsonValue["data"]?["reader"]?.stringValue == "Virtual PCD 00 00")
        #expect(!error.message.contains("secret detail"))
        if code > 1000 { #expect(error.reason == failure.reason) }
    }

    @Test func unknownMethodsAreNotFound() async {
        for method in ["card.write", "readers.format", ""] {
            await #expect {
                _ = try await DaemonCore().handle(method: method, params: [:], client: APIClient(testingID: 1))
            } throws: { error in
                (error as? APIError)?.code == -32601
            }
        }
    }
}
