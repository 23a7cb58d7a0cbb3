// swift-tools-version: 6.1
// libFuzzer targets for the inputs Propensity reads from users: CSV files, feature specs and
// model files. Kept out of the root package so that the normal build is untouched; build and
// run them with `bash scripts/fuzz.sh` (which passes `-sanitize=fuzzer,address`).
import PackageDescription

// Each target's entry point (SwiftPM names it `<target>_main`) hands its input function to
// libFuzzer's driver; there is no top-level code.
let libFuzzerEntry: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "PropensityFuzz",
    dependencies: [.package(name: "Propensity", path: "..")],
    targets: [
        .target(name: "LibFuzzerDriver"),
        .executableTarget(
            name: "FuzzCSVReader",
            dependencies: ["LibFuzzerDriver", .product(name: "CSVParsing", package: "Propensity"), .product(name: "Features", package: "Propensity")],
            swiftSettings: libFuzzerEntry
        ),
        .executableTarget(
            name: "FuzzFeatureSpec",
            dependencies: ["LibFuzzerDriver", .product(name: "Features", package: "Propensity")],
            swiftSettings: libFuzzerEntry
        ),
        .executableTarget(
            name: "FuzzModelFile",
            dependencies: ["LibFuzzerDriver", .product(name: "Scoring", package: "Propensity")],
            swiftSettings: libFuzzerEntry
        ),
    ]
)
