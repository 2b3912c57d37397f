import Foundation
import Testing

@testable import CancuocService

/// `/etc/cancuoc/cancuocd.json` as docs/operations.md describes it.
@Suite struct DaemonConfigurationTests {
    @Test func aMissingFileMeansTheDefaults() throws {
        let (configuration, found) = try DaemonConfiguration.load(path: "/nonexistent/cancuocd.json")
        #expect(!found)
        #expect(configuration == DaemonConfiguration())
        #expect(configuration.socketPath == "/run/cancuoc/api.sock")
        #expect(configuration.socketGroup == "cancuoc")
        #expect(configuration.readTimeoutSeconds == 30)
        #expect(configuration.trustDirectory == "/etc/cancuoc/trust")
        #expect(configuration.stateDirectory == "/var/lib/cancuoc")
    }

    @Test func aPartialFileKeepsTheOtherDefaults() throws {
        let configuration = try DaemonConfiguration.parse(Data(#"{"facility":{"id":"79001","name":"Bệnh viện A"},"socketGroup":null}"#.utf8))
        #expect(configuration.facility.name == "Bệnh viện A")
        #expect(configuration.socketGroup == nil)
        #expect(configuration.maxClients == 256)
    }

    @Test func theShippedFileIsTheDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/cancuocd.json")
        let configuration = try DaemonConfiguration.parse(try Data(contentsOf: url))
        #expect(configuration == DaemonConfiguration())
    }

    @Test func everyDefaultRoundTrips() throws {
        let data = try JSONEncoder().encode(DaemonConfiguration())
        #expect(try DaemonConfiguration.parse(data) == DaemonConfiguration())
    }

    @Test(arguments: [
        (#"{"socketPth":"/tmp/x"}"#, "unknown settings: socketPth"),
        (#"{"maxClients":"many"}"#, "wrong type for maxClients"),
        (#"{"maxClients":0}"#, "maxClients must be"),
        (#"{"logLevel":"loud"}"#, "logLevel must be"),
        (#"{"socketMode":"rw"}"#, "socketMode must be"),
        (#"{"readTimeoutSeconds":30,"#, "not valid JSON"),
    ])
    func malformedFilesAreRefusedWithAClearMessage(text: String, expected: String) {
        #expect {
            _ = try DaemonConfiguration.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
