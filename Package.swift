// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "cancuoc",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cancuoc", targets: ["cancuoc"]),
        .executable(name: "cancuocd", targets: ["cancuocd"]),
        .executable(name: "cancuoc-face-matcher", targets: ["cancuoc-face-matcher"]),
        // Every parser behind one entry point, for the fuzzers under Fuzz/ (issue 9).
        .library(name: "FuzzHarness", targets: ["FuzzHarness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries (Debian: libpcsclite-dev, libssl-dev).
        .systemLibrary(
            name: "CPCSCLite",
            pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]
        ),
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // ISO 7816-4: APDUs, status words, BER-TLV, the CardChannel seam.
        .target(name: "SmartCard"),
        // Swift API over pcsc-lite.
        .target(
            name: "PCSC",
            dependencies: [
                "CPCSCLite", "SmartCard",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // ICAO 9303: MRZ, BAC, PACE, secure messaging, LDS, authentication.
        .target(
            name: "MRTD",
            dependencies: [
                "SmartCard", "CLibCrypto",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Vietnam's administrative units and their official codes; the printed address resolved
        // to them (issue 27). Foundation only; the data is generated into Sources/AdminUnits/Data.
        // Optimised in debug builds too (design.md §10): unoptimised, the resolver's string work made
        // AdminUnitsTests' round trips (~100,000 addresses) hold both cooperative threads of a debug
        // `swift test` for ~20 s. Nothing else changes: `-enable-testing` stays for @testable.
        .target(name: "AdminUnits", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The Vietnamese CCCD profile: DG13, QR, keys from the ID, the citizen record.
        .target(name: "CCCD", dependencies: ["MRTD", "SmartCard", "AdminUnits"]),
        // A virtual CCCD chip and the vpcd transport.
        .target(
            name: "CardSimulator",
            dependencies: [
                "SmartCard", "MRTD", "CCCD", "CLibCrypto",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Profiles")]
        ),
        // One read of one card (the read job, its one deadline, its typed failures) and the
        // technician's diagnostics: what the daemon and the command line share.
        .target(
            name: "CardService",
            dependencies: [
                "SmartCard", "PCSC", "MRTD", "CCCD",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The API as types, independent of any transport: methods, events, errors, the
        // connection state; JSON in and out.
        .target(
            name: "CancuocAPI",
            dependencies: [
                "CardService", "CCCD", "MRTD", "SmartCard",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Transports for the API (SwiftNIO): the Unix socket with newline framing, the browser's
        // WebSocket with the reception page; systemd glue.
        .target(
            name: "CancuocServer",
            dependencies: [
                "CancuocAPI", "CardService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The usage log, metrics and the clinic and province inventory.
        .target(
            name: "CancuocUsage",
            dependencies: [
                "CardService", "MRTD", "PCSC", "SmartCard", "FaceCheck",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The Prometheus HTTP API client of the province roll-up (URLSession: libcurl). Only
        // the command line links it; the daemon opens no outgoing connection.
        // FoundationNetworking needs libcurl named at link time when the Swift runtime is linked
        // statically (make install); Debian: libcurl4-openssl-dev to build, libcurl4 to run.
        .target(
            name: "PrometheusClient",
            dependencies: ["CancuocUsage"],
            linkerSettings: [.linkedLibrary("curl", .when(platforms: [.linux]))]
        ),
        // The trust directory kept fresh: CRLs downloaded (URLSession: libcurl), checked against
        // the trusted CSCAs, installed whole (`cancuoc trust fetch-crls`). Only the command line
        // links it; the daemon opens no outgoing connection.
        .target(
            name: "TrustUpdate",
            dependencies: ["MRTD", .product(name: "Logging", package: "swift-log")],
            linkerSettings: [.linkedLibrary("curl", .when(platforms: [.linux]))]
        ),
        // The daemon: reader sessions, the methods, scan-and-tap.
        .target(
            name: "CancuocDaemon",
            dependencies: [
                "CancuocAPI", "CancuocServer", "CancuocUsage", "CardService", "CCCD", "MRTD", "PCSC", "SmartCard",
                "FaceCheck", "FaceCamera",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "cancuocd",
            dependencies: [
                "CancuocDaemon", "CancuocServer", "CancuocUsage", "CancuocAPI", "CardService",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "cancuoc",
            dependencies: [
                "CancuocAPI", "CancuocDaemon", "CancuocServer", "CancuocUsage", "CardService", "CardSimulator", "PCSC",
                "MRTD", "CCCD", "SmartCard", "PrometheusClient", "AdminUnits", "FaceCheck", "TrustUpdate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The face check (issue 26, docs/face-check.md). FaceCheck: the decision, the thresholds,
        // the matcher's wire protocol and the client that starts the matcher; pure Swift, no dlib.
        // CFaceMatcher (dlib, OpenJPEG, libseccomp: Debian's libdlib-dev, libopenjp2-7-dev,
        // libseccomp-dev) is linked only by the sandboxed cancuoc-face-matcher process.
        .target(name: "FaceCheck"),
        .target(
            name: "CFaceMatcher",
            // dlib is linked from Debian's libdlib.a: bookworm ships libdlib.so.19.1 (libdlib19.1),
            // trixie libdlib19.2 (19.24.6), so one build of the matcher runs on both only without
            // the shared library. Its BLAS, LAPACK, JPEG and PNG stay shared (same sonames on both).
            // OpenJPEG 2.5 keeps its header in a versioned folder (bookworm 2.5.0, trixie 2.5.3).
            cxxSettings: [.unsafeFlags(["-O2", "-I/usr/include/openjpeg-2.5"])],
            linkerSettings: [
                .linkedLibrary(":libdlib.a"), .linkedLibrary("openjp2"), .linkedLibrary("seccomp"),
                .linkedLibrary("jpeg"), .linkedLibrary("png"), .linkedLibrary("blas"), .linkedLibrary("lapack"),
            ]
        ),
        // The daemon's own camera (docs/face-check.md § The daemon's camera): V4L2 capture over the
        // kernel's interface (CV4L2, no library) and Y4M files or pipes for tests; frames leave as
        // the device gave them, only the sandboxed matcher decodes them.
        .target(name: "CV4L2"),
        .target(name: "FaceCamera", dependencies: ["FaceCheck", "CV4L2"]),
        .testTarget(name: "FaceCameraTests", dependencies: ["FaceCamera", "FaceCheck", "ServiceTestSupport"]),
        .executableTarget(name: "cancuoc-face-matcher", dependencies: ["CFaceMatcher", "FaceCheck"]),
        .testTarget(name: "FaceCheckTests", dependencies: ["FaceCheck", "ServiceTestSupport"]),
        .testTarget(name: "FaceCheckCLITests", dependencies: ["TestBench", "CardSimulator", "ServiceTestSupport"]),

        // make bench (issue 8): reads through pcscd + vpcd, strategies side by side.
        .executableTarget(
            name: "CancuocBench",
            dependencies: [
                "CancuocDaemon", "CancuocServer", "CancuocUsage", "CancuocAPI", "CardService", "CardSimulator", "PCSC",
                "MRTD",
                "CCCD", "TestBench", "AdminUnits", "FaceCheck",
            ],
            path: "Benchmarks/CancuocBench"
        ),

        // Issue 9: the parsers as fuzz targets (driven by the Fuzz/ package and replayed by
        // FuzzRegressionTests), and the generator of the seed corpora under Fuzz/Corpus.
        .target(
            name: "FuzzHarness",
            dependencies: [
                "SmartCard", "PCSC", "MRTD", "CCCD", "CardService", "CancuocAPI",
                "CancuocUsage", "AdminUnits", "FaceCheck", "FaceCamera",
            ]
        ),
        .executableTarget(
            name: "fuzz-seeds",
            dependencies: ["FuzzHarness", "CardSimulator", "MRTD", "CCCD", "SmartCard", "FaceCheck"],
            path: "Sources/FuzzSeeds"
        ),

        // Test support: a private pcscd + vpcd bench (design.md §10).
        .target(
            name: "TestBench",
            dependencies: ["PCSC", "CardSimulator", "SmartCard"],
            path: "Tests/TestBench"
        ),
        .testTarget(name: "SmartCardTests", dependencies: ["SmartCard"]),
        .testTarget(name: "PCSCTests", dependencies: ["PCSC", "TestBench", "CardSimulator", "SmartCard"]),
        .testTarget(
            name: "MRTDTests",
            dependencies: ["MRTD", "SmartCard", "CardSimulator", .product(name: "SwiftASN1", package: "swift-asn1")],
            resources: [.copy("Vectors")]
        ),
        .testTarget(name: "CCCDTests", dependencies: ["CCCD", "MRTD", "SmartCard", "CardSimulator", "AdminUnits"]),
        .testTarget(name: "CardSimulatorTests", dependencies: ["CardSimulator", "MRTD", "CCCD", "SmartCard"]),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzHarness"]),
        .testTarget(name: "TrustUpdateTests", dependencies: ["TrustUpdate", "MRTD", "CardSimulator"]),
        .testTarget(name: "AdminUnitsTests", dependencies: ["AdminUnits"]),
        // One test target per module of the service (design.md §10), each with the fixtures they share.
        .target(
            name: "ServiceTestSupport",
            dependencies: [
                "CancuocAPI", "CancuocServer", "CancuocUsage", "CardService",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/ServiceTestSupport"
        ),
        .testTarget(
            name: "CardServiceTests",
            dependencies: ["CardService", "TestBench", "CardSimulator", "PCSC", "MRTD", "CCCD", "SmartCard"]
        ),
        .testTarget(
            name: "CancuocAPITests",
            dependencies: ["CancuocAPI", "CardService", "ServiceTestSupport", "MRTD", "CCCD"]
        ),
        .testTarget(
            name: "CancuocServerTests",
            dependencies: [
                "CancuocServer", "CancuocAPI", "ServiceTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CancuocUsageTests",
            dependencies: [
                "CancuocUsage", "ServiceTestSupport", "CardService", "CancuocAPI", "PrometheusClient", "CardSimulator",
                "PCSC", "MRTD", "CCCD", "FaceCheck",
            ]
        ),
        // The daemon whole: over its sockets, through pcscd + vpcd, with the command line beside it.
        .testTarget(
            name: "CancuocDaemonTests",
            dependencies: [
                "CancuocDaemon", "CancuocServer", "CancuocUsage", "CancuocAPI", "CardService", "ServiceTestSupport",
                "TestBench", "FaceCheck", "CardSimulator", "PCSC", "MRTD", "CCCD", "SmartCard",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
