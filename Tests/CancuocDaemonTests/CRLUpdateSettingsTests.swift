import Foundation
import Testing

@testable import CancuocDaemon

/// `"crlUpdate"` of cancuocd.json and its drop-ins: what `cancuoc trust fetch-crls` reads.
@Suite("CRL update settings")
struct CRLUpdateSettingsTests {
    @Test func urlsFromADropInKeepTheOtherDefaults() throws {
        let configuration = try DaemonConfiguration.parse(
            Data(#"{"crlUpdate":{"urls":["http://repo.soyte.example/crl/csca.crl"]}}"#.utf8)
        )
        #expect(
            try configuration.crlUpdate.sourceURLs().map(\.absoluteString) == ["http://repo.soyte.example/crl/csca.crl"]
        )
        #expect(configuration.crlUpdate.timeoutSeconds == 30)
        #expect(configuration.crlUpdate.maxBytes == 10 << 20)
        #expect(DaemonConfiguration().crlUpdate.urls.isEmpty)
    }

    @Test(arguments: [
        #"{"crlUpdate":{"urls":["ftp://repo.soyte.example/csca.crl"]}}"#,
        #"{"crlUpdate":{"urls":["/etc/cancuoc/csca.crl"]}}"#,
        #"{"crlUpdate":{"urls":["http://"]}}"#,
        #"{"crlUpdate":{"timeoutSeconds":0}}"#,
        #"{"crlUpdate":{"maxBytes":12}}"#,
    ])
    func nonsenseIsRefusedAtStartInBothLanguages(json: String) throws {
        do {
            _ = try DaemonConfiguration.parse(Data(json.utf8))
            Issue.record("accepted: \(json)")
        } catch {
            #expect(error.description.contains("crlUpdate."))
            #expect(error.description.contains("không hợp lệ"))
        }
    }

    @Test func aMisspeltKeyIsRefused() throws {
        #expect(throws: DaemonConfigurationError.self) {
            try DaemonConfiguration.parse(Data(#"{"crlUpdate":{"url":"http://x.example/a.crl"}}"#.utf8))
        }
    }
}
