import Foundation
import Testing
@testable import CancuocDaemon


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

    @Test func scannersArePairedWithReaders() throws {
        let configuration = try DaemonConfiguration.parse(Data(
            #"{"scanners":[{"device":"/dev/serial/by-id/usb-scanner-if00","reader":"Virtual PCD 00 00"}],"scanPendingSeconds":20}"#.utf8))
        #expect(configuration.scanners == [.init(device: "/dev/serial/by-id/usb-scanner-if00", reader: "Virtual PCD 00 00")])
        #expect(configuration.scanPendingSeconds == 20)
        #expect(DaemonConfiguration().scanners.isEmpty)
        #expect(DaemonConfiguration().scanPendingSeconds == 60)
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
        (#"{"scanners":[{"device":"/dev/ttyACM0","reader":"R","baud":9600}]}"#, "unknown settings: scanners.baud"),
        (#"{"scanners":[{"device":"ttyACM0","reader":"R"}]}"#, "scanners must be"),
        (#"{"scanners":[{"device":"/dev/ttyACM0"}]}"#, "reader"),
        (#"{"scanners":[{"device":"/dev/a","reader":"R"},{"device":"/dev/a","reader":"S"}]}"#, "naming each device once"),
        (#"{"scanPendingSeconds":0}"#, "scanPendingSeconds must be"),
    ])
    func malformedFilesAreRefusedWithAClearMessage(text: String, expected: String) {
        #expect {
            _ = try DaemonConfiguration.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
