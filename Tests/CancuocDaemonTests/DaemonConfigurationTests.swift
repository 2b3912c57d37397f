import Foundation
import Testing

@testable import CancuocDaemon
@testable import CancuocServer

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
        let configuration = try DaemonConfiguration.parse(
            Data(#"{"facility":{"id":"79001","name":"Bệnh viện A"},"socketGroup":null}"#.utf8)
        )
        #expect(configuration.facility.name == "Bệnh viện A")
        #expect(configuration.socketGroup == nil)
        #expect(configuration.maxClients == 256)
    }

    @Test func theShippedFileIsTheDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../config/cancuocd.json"
        )
        let configuration = try DaemonConfiguration.parse(try Data(contentsOf: url))
        #expect(configuration == DaemonConfiguration())
    }

    @Test func scannersArePairedWithReaders() throws {
        let configuration = try DaemonConfiguration.parse(
            Data(
                #"{"scanners":[{"device":"/dev/serial/by-id/usb-scanner-if00","reader":"Virtual PCD 00 00"}],"scanPendingSeconds":20}"#
                    .utf8
            )
        )
        #expect(
            configuration.scanners == [.init(device: "/dev/serial/by-id/usb-scanner-if00", reader: "Virtual PCD 00 00")]
        )
        #expect(configuration.scanPendingSeconds == 20)
        #expect(DaemonConfiguration().scanners.isEmpty)
        #expect(DaemonConfiguration().scanPendingSeconds == 60)
    }

    @Test func theConnectionLimitsAreSettingsAndReachBothTransports() throws {
        let configuration = try DaemonConfiguration.parse(
            Data(
                #"""
                {"maxClients":32,"maxClientsPerUser":4,"requestCompletionTimeoutSeconds":1.5,
                 "maxQueuedBytesPerClient":1048576,"maxRequestsInFlightPerClient":8,"maxQueuedMessagesPerClient":64}
                """#.utf8
            )
        )
        let server = configuration.serverConfiguration(listen: .path("/run/x.sock"))
        #expect(server.maxClients == 32)
        #expect(server.maxClientsPerUser == 4)
        #expect(server.requestCompletionTimeout == .milliseconds(1500))
        #expect(server.connectionLimits.maxQueuedBytes == 1 << 20)
        #expect(server.connectionLimits.maxRequestsInFlight == 8)
        #expect(server.connectionLimits.maxQueuedMessages == 64)
        // The browser endpoint enforces the same figures (one source: APIServerConfiguration).
        let web = try configuration.webServerConfiguration(listen: [], files: .init())
        #expect(web.limits.maxClientsPerUser == 4)
        #expect(web.limits.requestCompletionTimeout == .milliseconds(1500))
        let defaults = DaemonConfiguration().serverConfiguration(listen: .path("/run/x.sock"))
        let built = APIServerConfiguration()
        #expect(defaults.maxClientsPerUser == built.maxClientsPerUser)
        #expect(defaults.requestCompletionTimeout == built.requestCompletionTimeout)
        #expect(defaults.maxQueuedBytesPerClient == built.maxQueuedBytesPerClient)
        #expect(defaults.maxRequestsInFlightPerClient == built.maxRequestsInFlightPerClient)
    }

    @Test(arguments: [
        (
            #"{"maxClientsPerUser":0}"#,
            "maxClientsPerUser must be between 1 and 100000 — giá trị maxClientsPerUser không hợp lệ, phải từ 1 đến 100000"
        ),
        (#"{"requestCompletionTimeoutSeconds":0}"#, "requestCompletionTimeoutSeconds must be between 1.0 and 3600.0"),
        (#"{"requestCompletionTimeoutSeconds":"10"}"#, "wrong type for requestCompletionTimeoutSeconds"),
        (#"{"maxQueuedBytesPerClient":4096}"#, "maxQueuedBytesPerClient must be between 262144 and 1073741824"),
        (#"{"maxRequestsInFlightPerClient":-1}"#, "phải từ 1 đến 10000"),
        (#"{"limits":{"maxClientsPerUser":4}}"#, "unknown settings: limits"),
    ])
    func badConnectionLimitsAreRefusedInEnglishAndVietnamese(text: String, expected: String) {
        #expect {
            _ = try DaemonConfiguration.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }

    @Test func aNestedSettingKeepsItsSiblingsDefaultsAndNullIsAValue() throws {
        let c = try DaemonConfiguration.parse(Data(#"{"web":{"pageClearSeconds":30},"socketGroup":null}"#.utf8))
        #expect(c.web.pageClearSeconds == 30)
        #expect(c.web.listen == DaemonConfiguration().web.listen)
        #expect(c.socketGroup == nil)
        #expect(c.maxClients == APIServerConfiguration.defaults.maxClients)
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
        (
            #"{"scanners":[{"device":"/dev/a","reader":"R"},{"device":"/dev/a","reader":"S"}]}"#,
            "naming each device once"
        ),
        (#"{"scanPendingSeconds":0}"#, "scanPendingSeconds must be"),
        (#"{"web":{"listn":["127.0.0.1:28710"]}}"#, "unknown settings: web.listn"),
        (#"{"facility":{"id":"BV-1","province":"Đồng Nai"}}"#, "unknown settings: facility.province"),
        (#"{"web":{"pageClearSeconds":"long"}}"#, "wrong type for web.pageClearSeconds"),
        (#"["socketPath"]"#, "wrong type for the top level"),
    ])
    func malformedFilesAreRefusedWithAClearMessage(text: String, expected: String) {
        #expect {
            _ = try DaemonConfiguration.parse(Data(text.utf8))
        } throws: { error in
            String(describing: error).contains(expected)
        }
    }
}
