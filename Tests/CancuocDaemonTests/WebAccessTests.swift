import Foundation
import Testing

@testable import CancuocDaemon
@testable import CancuocServer

/// Who may use the browser endpoint (docs/security.md), decided from Host and Origin alone.
@Suite struct WebAccess {
    let policy = WebAccessPolicy(allowedOrigins: ["https://his.benhvien.vn"], recordsOrigins: ["http://127.0.0.1:8080"])

    @Test func theHISOriginIsAllowedWithoutRecords() {
        #expect(
            policy.decide(
                host: "127.0.0.1:28710",
                origin: "https://his.benhvien.vn",
                localAddress: "127.0.0.1",
                port: 28710
            )
                == .allowed(origin: "https://his.benhvien.vn", mayReceiveRecords: false)
        )
    }

    @Test func aRecordsOriginIsAllowedWithRecords() {
        #expect(
            policy.decide(
                host: "127.0.0.1:28710",
                origin: "http://127.0.0.1:8080",
                localAddress: "127.0.0.1",
                port: 28710
            )
                == .allowed(origin: "http://127.0.0.1:8080", mayReceiveRecords: true)
        )
    }

    @Test func theReceptionPageIsSameOriginAndGetsNoRecords() {
        #expect(
            policy.decide(
                host: "127.0.0.1:28710",
                origin: "http://127.0.0.1:28710",
                localAddress: "127.0.0.1",
                port: 28710
            )
                == .allowed(origin: "http://127.0.0.1:28710", mayReceiveRecords: false)
        )
        #expect(
            policy.decide(
                host: "localhost:28710",
                origin: "http://localhost:28710",
                localAddress: "127.0.0.1",
                port: 28710
            )
                == .allowed(origin: "http://localhost:28710", mayReceiveRecords: false)
        )
        #expect(
            policy.decide(host: "[::1]:28710", origin: "http://[::1]:28710", localAddress: "::1", port: 28710)
                == .allowed(origin: "http://[::1]:28710", mayReceiveRecords: false)
        )
    }

    @Test(arguments: [
        "https://evil.example", "https://his.benhvien.vn.evil.example", "http://his.benhvien.vn",
        "https://his.benhvien.vn:444", "null", "HTTPS://HIS.BENHVIEN.VN/", "http://127.0.0.1:28711",
    ])
    func anyOtherOriginIsRefused(origin: String) {
        #expect(
            policy.decide(host: "127.0.0.1:28710", origin: origin, localAddress: "127.0.0.1", port: 28710)
                == .refused(.originNotAllowed)
        )
    }

    @Test func noOriginIsRefused() {
        #expect(
            policy.decide(host: "127.0.0.1:28710", origin: nil, localAddress: "127.0.0.1", port: 28710)
                == .refused(.missingOrigin)
        )
        #expect(
            policy.decide(host: "127.0.0.1:28710", origin: "", localAddress: "127.0.0.1", port: 28710)
                == .refused(.missingOrigin)
        )
    }

    @Test(arguments: [
        "rebind.evil.example:28710", "127.0.0.1:28711", "127.0.0.1", "localhost", "[::1]:28710", "127.0.0.2:28710", "",
    ])
    func aForeignHostIsRefusedEvenWithAnAllowedOrigin(host: String) {
        #expect(
            policy.decide(host: host, origin: "https://his.benhvien.vn", localAddress: "127.0.0.1", port: 28710)
                == .refused(.foreignHost)
        )
        #expect(
            policy.decide(host: host, origin: "http://\(host)", localAddress: "127.0.0.1", port: 28710)
                == .refused(.foreignHost)
        )
    }

    @Test func originsAreNormalizedAsBrowsersSendThem() {
        #expect(WebAccessPolicy.normalizedOrigin("HTTPS://HIS.BenhVien.VN/") == "https://his.benhvien.vn")
        #expect(WebAccessPolicy.normalizedOrigin("https://his.benhvien.vn:443") == "https://his.benhvien.vn")
        #expect(WebAccessPolicy.normalizedOrigin("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(WebAccessPolicy.normalizedOrigin("http://[::1]:8080") == "http://[::1]:8080")
        for bad in [
            "*", "null", "his.benhvien.vn", "https://his.benhvien.vn/app", "ftp://x", "https://user@his", "https://h:0",
            "",
        ] {
            #expect(WebAccessPolicy.normalizedOrigin(bad) == nil, "\(bad)")
        }
    }

    @Test func listenAddressesAreLoopbackOnly() throws {
        #expect(try WebListenAddress(parsing: "127.0.0.1:28710") == WebListenAddress(host: "127.0.0.1", port: 28710))
        #expect(try WebListenAddress(parsing: "[::1]:28710").host == "::1")
        #expect(try WebListenAddress(parsing: "127.1.2.3:80").port == 80)
        for refused in ["0.0.0.0:28710", "[::]:28710", "192.168.1.10:28710", "10.0.0.1:1", "[fe80::1]:1"] {
            #expect(throws: WebListenAddress.ParseError.notLoopback(refused)) { try WebListenAddress(parsing: refused) }
        }
        for malformed in ["127.0.0.1", "127.0.0.1:x", ":28710", "127.0.0.1:70000", "[::1]28710"] {
            #expect(throws: WebListenAddress.ParseError.self) { try WebListenAddress(parsing: malformed) }
        }
    }

    @Test func webSettingsParseAndUnknownOnesAreRefused() throws {
        let configuration = try DaemonConfiguration.parse(
            Data(
                #"""
                {"web":{"listen":["127.0.0.1:28710","[::1]:28710"],"allowedOrigins":["https://HIS.benhvien.vn/"],"recordsOrigins":["http://127.0.0.1:8080"]}}
                """#.utf8
            )
        )
        #expect(try configuration.web.listenAddresses().map(\.description) == ["127.0.0.1:28710", "[::1]:28710"])
        let access = try configuration.web.accessPolicy()
        #expect(access.allowedOrigins == ["https://his.benhvien.vn", "http://127.0.0.1:8080"])
        #expect(access.recordsOrigins == ["http://127.0.0.1:8080"])
        #expect(throws: DaemonConfigurationError.unknownSettings(["web.allowedOrigin"])) {
            try DaemonConfiguration.parse(Data(#"{"web":{"allowedOrigin":["https://his.benhvien.vn"]}}"#.utf8))
        }
        #expect(throws: DaemonConfigurationError.self) {
            try DaemonConfiguration.parse(Data(#"{"web":{"listen":["0.0.0.0:28710"]}}"#.utf8))
        }
        #expect(throws: DaemonConfigurationError.self) {
            try DaemonConfiguration.parse(Data(#"{"web":{"allowedOrigins":["*"]}}"#.utf8))
        }
        #expect(DaemonConfiguration().web.listen.isEmpty)
    }

    @Test func systemdSocketsAreToldApartByName() {
        let pid = getpid()
        let passed = SocketActivation.namedListenFileDescriptors(
            environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "3", "LISTEN_FDNAMES": "api:web:web"],
            pid: pid
        )
        #expect(passed.map(\.name) == ["api", "web", "web"])
        let split = SocketActivation.split(passed)
        #expect(split.unix == [3])
        #expect(split.web == [4, 5])
        #expect(
            APIServerConfiguration.Listen.systemdOrPath(
                "/p",
                environment: ["LISTEN_PID": "\(pid)", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "web:api"]
            ) == .fileDescriptor(4)
        )
    }
}
