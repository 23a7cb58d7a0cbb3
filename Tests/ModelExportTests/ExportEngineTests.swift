import ExportTestSupport
import Foundation
import TestSupport
import Testing

@testable import ModelExport

/// The exports, run by the engines they are written for: Spark SQL (pyspark on local[1]) and
/// the PMML evaluator jpmml-evaluator, through `scripts/check_export.py`. PostgreSQL runs the
/// SQL in `PropensityPostgresTests`.
struct ExportEngineTests {
    @Test("Spark SQL and jpmml-evaluator give score's probabilities to 1e-12 for every case; Spark's feature query its inputs")
    func sparkAndPMML() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "propensity-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let cases = try ExportCase.all(in: directory)
        var manifest: [[String: Any]] = []
        var featureCases: [(name: String, rows: Int, chained: Bool)] = []
        for item in cases {
            let sql = directory.appending(path: "\(item.name).sql")
            let pmml = directory.appending(path: "\(item.name).pmml")
            try SQLExport.query(item.formula, dialect: .spark, table: "features", header: [item.name])
                .write(to: sql, atomically: true, encoding: .utf8)
            try PMMLExport.document(item.formula, modelName: item.name, description: item.name, version: "test",
                                    timestamp: item.model.trainedAt)
                .write(to: pmml, atomically: true, encoding: .utf8)
            manifest.append(["name": item.name, "features": item.features.path, "columns": item.columns,
                             "spark_sql": sql.path, "pmml": pmml.path])
            // The feature query on the CRM tables, and (without hashed buckets to provide) the
            // model's query over its rows.
            guard case .crm(let pipeline) = item.model.input else { continue }
            let featureSQL = directory.appending(path: "\(item.name)-features.sql")
            try FeatureSQLExport.query(pipeline, dialect: .spark, asOf: ExportCase.asOf.timeIntervalSince1970, header: [])
                .write(to: featureSQL, atomically: true, encoding: .utf8)
            let tables = ["leads", "companies", "contacts", "events"].map { ($0, ExportCase.crm.appending(path: "\($0).csv").path) }
            var features: [String: Any] = ["name": "\(item.name)-features", "feature_sql": featureSQL.path,
                                           "tables": Dictionary(uniqueKeysWithValues: tables),
                                           "features": item.features.path, "columns": item.columns]
            if !item.formula.inputs.contains(where: { $0.name.contains("[") }) { features["spark_sql"] = sql.path }
            manifest.append(features)
            featureCases.append((name: "\(item.name)-features", rows: item.rows, chained: features["spark_sql"] != nil))
        }
        let manifestURL = directory.appending(path: "manifest.json")
        try JSONSerialization.data(withJSONObject: ["cases": manifest]).write(to: manifestURL)

        let output = try runPython(["scripts/check_export.py", manifestURL.path])
        let results = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: [String: Any]]])
        for engine in ["spark", "pmml"] {
            for item in cases {
                let result = try #require(results[engine]?[item.name] as? [String: Double], "\(engine) did not score \(item.name)")
                #expect(result["rows"] == Double(item.rows), "\(engine), \(item.name)")
                #expect(result["missing"] == 0, "\(engine), \(item.name)")
                #expect(result["max_abs_diff"]! <= 1e-12, "\(engine), \(item.name): \(result["max_abs_diff"]!)")
            }
        }
        for item in featureCases {
            let result = try #require(results["spark"]?[item.name], "Spark did not run \(item.name)")
            #expect(result["rows"] as? Double == Double(item.rows), "\(item.name)")
            #expect(result["differ"] as? Double == 0, "\(item.name)")
            #expect((result["compared"] as? Double ?? 0) > 10_000, "\(item.name)")
            #expect((result["max_rel_diff"] as? Double ?? 1) <= 1e-12, "\(item.name): \(result["max_rel_diff"] ?? "none")")
            if item.chained {
                let chained = try #require(result["chained"] as? [String: Double], "\(item.name) was not scored")
                #expect(chained["rows"] == Double(item.rows) && chained["missing"] == 0, "\(item.name)")
                #expect(chained["max_abs_diff"]! <= 1e-12, "\(item.name): \(chained["max_abs_diff"]!)")
            }
        }
    }

    /// Runs python3 in the repository and returns its standard output; a failure is an error
    /// that carries its standard error.
    private func runPython(_ arguments: [String]) throws -> String {
        let result = try runCommand(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, in: repositoryRoot)
        try #require(result.status == 0, """
            python3 \(arguments.joined(separator: " ")) failed (run `bash scripts/setup.sh` for pyspark, \
            jpmml_evaluator and Java 17): \(result.standardError.suffix(2000))
            """)
        return result.standardOutput
    }
}
