import Foundation
import Testing

@testable import CancuocAPI
@testable import CancuocDaemon
@testable import CardService
@testable import ServiceTestSupport

/// The core's methods without a socket or pcscd (`APIClient(testingID:)`).
@Suite struct DaemonCoreTests {
    @Test func recordsSubscriptionNeedsTheSocketGroup() async throws {
        let core = DaemonCore()
        let (outsider, _) = Connection.recording(id: 1, mayReceiveRecords: false, service: core)
        await #expect {
            _ = try await core.call("events.subscribe", ["records": true], on: outsider)
        } throws: { error in
            (error as? APIError)?.code == -32602
        }
        #expect(!outsider.isSubscribed)

        let (member, _) = Connection.recording(id: 2, mayReceiveRecords: true, service: core)
        let result = try await core.call("events.subscribe", ["records": true], on: member)
        #expect(result["records"] == .bool(true))
        #expect(member.isSubscribed)
    }

    @Test func helloReportsTheAPILevelAndFacility() async throws {
        var configuration = DaemonConfiguration()
        configuration.facility = .init(id: "79001", name: "Phòng khám B")
        let core = DaemonCore(configuration: configuration)
        let result = try await core.call("hello", on: Connection.recording(service: core).0)
        #expect(result["apiLevel"]?.intValue == Product.apiLevel)
        #expect(result["facility"]?.stringValue == "Phòng khám B")
        #expect(result["facilityId"]?.stringValue == "79001")
        let anonymous = DaemonCore()
        let bare = try await anonymous.call("hello", on: Connection.recording(service: anonymous).0)
        #expect(bare["facility"] == .null, "present and null, not missing")
    }

    @Test func everyMethodIsRegistered() {
        #expect(DaemonCore.methods.names == Set(APIMethod.allCases.map(\.rawValue)))
    }

    @Test func wrongParamsNameTheFieldAndNeverEchoTheValue() async {
        let core = DaemonCore()
        await #expect {
            _ = try await core.call(
                "card.read",
                ["key": ["id": 123_456_789_012]],
                on: Connection.recording(service: core).0
            )
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.code == -32602 && error.message.contains("key.id") && !error.message.contains("123456789012")
        }
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
                let core = DaemonCore()
                _ = try await core.call(method, on: Connection.recording(service: core).0)
            } throws: { error in
                (error as? APIError)?.code == -32601
            }
        }
    }
}

/// docs/api.md is the contract: every method and every event the code knows is documented.
@Suite struct APIDocumentation {
    static let text: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/api.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    @Test(arguments: APIMethod.allCases)
    func everyMethodHasItsSection(method: APIMethod) {
        #expect(Self.text.contains("### `\(method.rawValue)`"), "docs/api.md has no section for \(method.rawValue)")
    }

    @Test(arguments: APINotification.Kind.allCases)
    func everyEventHasItsSection(event: APINotification.Kind) {
        #expect(Self.text.contains("### `\(event.rawValue)`"), "docs/api.md has no section for \(event.rawValue)")
    }

    @Test func noMethodIsCalledReserved() {
        #expect(!Self.text.contains("reserved; answer -32601"))
    }
}
