// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that the root package's `swift build` and
// `swift test` never build the benchmark stack. Run them with
// `cd Benchmarks && swift package benchmark`.
let package = Package(
    name: "PropensityBenchmarks",
    products: [
        .executable(name: "fit-timer", targets: ["FitTimer"]),
        .executable(name: "extract-timer", targets: ["ExtractTimer"]),
        .executable(name: "score-timer", targets: ["ScoreTimer"]),
        .executable(name: "read-timer", targets: ["ReadTimer"]),
        .executable(name: "forecast-timer", targets: ["ForecastTimer"]),
        .executable(name: "cache-timer", targets: ["CacheTimer"]),
    ],
    dependencies: [
        // The root package, named so that the dependency does not hang on the name of the
        // folder the repository was cloned into.
        .package(name: "Propensity", path: ".."),
        // Without this trait the default one pulls in a package that is not mirrored here.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Seeded synthetic lead data shared by the benchmarks.
        .target(
            name: "BenchmarkSupport",
            dependencies: [.product(name: "LinearAlgebra", package: "Propensity")]
        ),
        .executableTarget(
            name: "TrainerBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LinearAlgebra", package: "Propensity"),
                .product(name: "Training", package: "Propensity"),
            ],
            path: "Benchmarks/TrainerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Times one fit on data from a raw file, for `compare_sklearn.py`.
        .executableTarget(
            name: "FitTimer",
            dependencies: [
                .product(name: "LinearAlgebra", package: "Propensity"),
                .product(name: "Training", package: "Propensity"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times the scoring kernel (probability, range, reasons) on synthetic rows.
        .executableTarget(
            name: "ScoreTimer",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "LinearAlgebra", package: "Propensity"),
                .product(name: "Training", package: "Propensity"),
                .product(name: "Scoring", package: "Propensity"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times feature extraction from a CRM export, for `extraction_scale.sh`.
        .executableTarget(
            name: "ExtractTimer",
            dependencies: [
                .product(name: "Features", package: "Propensity"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times tokenizing CSV files alone: the read-time floor `score_scale.sh` compares with.
        .executableTarget(
            name: "ReadTimer",
            dependencies: [
                .product(name: "CSVParsing", package: "Propensity"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times a fit streaming a row cache larger than memory should need, for issue 7.
        .executableTarget(
            name: "CacheTimer",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "LinearAlgebra", package: "Propensity"),
                .product(name: "Training", package: "Propensity"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times the forecast's distributions of wins and revenue on a synthetic pipeline.
        .executableTarget(
            name: "ForecastTimer",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Forecasting", package: "Propensity"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)
