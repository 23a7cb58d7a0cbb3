// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Propensity",
    products: [
        .library(name: "Propensity", targets: ["Propensity"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "CSVParsing", targets: ["CSVParsing"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .library(name: "SyntheticCRM", targets: ["SyntheticCRM"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Forecasting", targets: ["Forecasting"]),
        .library(name: "ModelExport", targets: ["ModelExport"]),
        // Reading the CRM from PostgreSQL and writing scores back: its own product, so that a
        // program using only the core library does not build PostgresNIO.
        .library(name: "PropensityPostgres", targets: ["PropensityPostgres"]),
        .executable(name: "propensity", targets: ["PropensityCLI"]),
    ],
    traits: [
        // The PostgreSQL module's code and its PostgresNIO dependency. On by default; turn it off
        // (`swift build --disable-default-traits`) to build and test the core without PostgresNIO.
        .trait(name: "PostgreSQL", description: "Read CRM tables from PostgreSQL and write scores back (PostgresNIO)."),
        .default(enabledTraits: ["PostgreSQL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries, one `.systemLibrary` target each; only `LinearAlgebra` imports them.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLAPACKE",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]
        ),
        .target(name: "LinearAlgebra", dependencies: ["CBLAS", "CLAPACKE"]),
        .target(name: "CSVParsing"),
        .target(
            name: "Features",
            dependencies: ["CSVParsing", "LinearAlgebra", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Training", dependencies: ["LinearAlgebra"]),
        .target(name: "Scoring", dependencies: ["CSVParsing", "Features", "LinearAlgebra", "Training"]),
        // Which lead sources and reps turn SQLs into revenue: win rates, tests, costs.
        .target(name: "Analysis", dependencies: ["Features", "Scoring", "Training"]),
        // Self-contained HTML reports with inline SVG charts; only the umbrella and the CLI import it.
        .target(name: "Reporting", dependencies: ["Analysis", "Features", "Forecasting", "Scoring", "Training"]),
        // Pipeline forecasts: distributions of wins and revenue, backtests.
        .target(name: "Forecasting", dependencies: ["Features", "Scoring"]),
        // A saved model as SQL and PMML, for scoring in a warehouse or a PMML evaluator.
        .target(name: "ModelExport", dependencies: ["CSVParsing", "Features", "Scoring", "Training"]),
        // Writes synthetic CRM exports with known effects; depends on nothing of the project.
        .target(name: "SyntheticCRM"),
        .target(
            name: "Propensity",
            dependencies: ["LinearAlgebra", "CSVParsing", "Features", "Training", "Scoring", "Forecasting", "Analysis", "Reporting",
                           "ModelExport", "SyntheticCRM"]
        ),
        // The PostgreSQL side: connection URLs, streamed tables, the scores table.
        .target(
            name: "PropensityPostgres",
            dependencies: ["CSVParsing", "Features", "Scoring",
                           .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                           .product(name: "Logging", package: "swift-log", condition: .when(traits: ["PostgreSQL"]))]
        ),
        .executableTarget(
            name: "PropensityCLI",
            dependencies: [
                "Propensity",
                "PropensityPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["LinearAlgebra"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "CSVParsingTests", dependencies: ["CSVParsing", "TestSupport"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Analysis", "Scoring", "TestSupport"]),
        .testTarget(name: "SyntheticCRMTests", dependencies: ["SyntheticCRM", "Features", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "TestSupport"]),
        .testTarget(name: "ForecastingTests", dependencies: ["Forecasting", "TestSupport"]),
        .target(name: "ExportTestSupport", dependencies: ["ModelExport", "Features", "Scoring", "Training", "TestSupport"],
                path: "Tests/ExportTestSupport"),
        .testTarget(name: "ModelExportTests",
                    dependencies: ["ModelExport", "ExportTestSupport", "Features", "Scoring", "Training", "TestSupport"]),
        .testTarget(name: "PropensityTests", dependencies: ["Propensity", "TestSupport"]),
        .testTarget(name: "PropensityCLITests", dependencies: ["PropensityCLI", "TestSupport"]),
        .testTarget(
            name: "PropensityPostgresTests",
            dependencies: ["PropensityPostgres", "PropensityCLI", "Features", "Scoring", "ModelExport", "ExportTestSupport",
                           "TestSupport",
                           .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"]))]
        ),
    ]
)
