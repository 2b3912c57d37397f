// swift-tools-version: 6.1
// libFuzzer targets for cancuoc (docs/fuzzing.md, design.md §10). Kept out of the main package so a
// plain `swift build` never links libFuzzer. Build: `make fuzz`, or
//   swift build -c release --sanitize=fuzzer --sanitize=address
// One executable drives every target; FUZZ_TARGET names which (see FuzzTarget).
import PackageDescription

let package = Package(
    name: "cancuoc-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cancuoc", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "cancuoc-fuzz",
            dependencies: [
                .product(name: "FuzzHarness", package: "cancuoc")
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
