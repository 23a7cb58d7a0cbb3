import CSVParsing
import Foundation
import TestSupport
import Testing

/// `propensity export` and `propensity score --features` as a user runs them; the engines
/// run the exports in `ExportEngineTests` and `ExportSQLTests`.
struct ExportCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm").path
    static let model = repositoryRoot.appending(path: "models/crm.json").path

    @Test("--format sql prints the query with the model and its inputs in the opening comment")
    func sqlToStandardOutput() throws {
        let result = try runPropensity(["export", "--model", Self.model, "--format", "sql", "--dialect", "spark",
                                        "--table", "crm.features"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("-- Propensity 0.1.0 model crm.json (FNV-1a 64 ") == true)
        #expect(lines.contains("-- Written by `propensity export --format sql --dialect spark`."))
        #expect(lines.contains { $0.hasPrefix("--   speed_to_lead ") && $0.contains("number  hours from leads `created_at`") })
        #expect(lines.contains { $0.hasPrefix("--   owner_rep ") && $0.contains("text    the text in leads column `owner_rep`") })
        #expect(lines.filter { $0.hasPrefix("--   ") }.count == 19)
        #expect(lines.last == "FROM crm.features AS t")
        #expect(result.standardOutput.contains("LOG1P(speed_to_lead)"))
    }

    @Test("--out writes the file and says what it holds; the PMML names its inputs")
    func pmmlToFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runPropensity(["export", "--model", Self.model, "--format", "pmml", "--out", "crm.pmml"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "Wrote the model as PMML 4.4 to crm.pmml (19 inputs, 145 columns).\n")
        let text = try String(contentsOf: directory.appending(path: "crm.pmml"), encoding: .utf8)
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
        #expect(text.contains(#"<RegressionModel modelName="crm" functionName="classification" normalizationMethod="logit">"#))
        #expect(text.contains(#"<DataField name="buying_team_14d" optype="continuous" dataType="double""#))
        #expect(text.contains(#"<DataField name="source" optype="categorical" dataType="string""#))
    }

    @Test("--format feature-sql: the CRM tables' query as of --as-of, or as of the time it runs")
    func featureSQL() throws {
        let fixed = try runPropensity(["export", "--model", Self.model, "--format", "feature-sql", "--as-of", "2025-07-01"])
        #expect(fixed.status == 0, "\(fixed.standardError)")
        #expect(fixed.standardOutput.contains("-- The inputs of the model's query (--format sql) for every open SQL as of "
            + "2025-07-01T00:00:00Z.\nWITH open_leads AS (\n  SELECT l.*, CAST(1.751328E9 AS DOUBLE PRECISION) AS propensity_cutoff"))
        #expect(fixed.standardOutput.contains("FROM open_leads AS o\nLEFT JOIN companies AS co ON co.company_id = o.company_id"))
        let now = try runPropensity(["export", "--model", Self.model, "--format", "feature-sql", "--dialect", "spark"])
        #expect(now.status == 0, "\(now.standardError)")
        #expect(now.standardOutput.contains("CAST(UNIX_MICROS(CURRENT_TIMESTAMP) AS DOUBLE) / 1E6 AS propensity_cutoff"))
        #expect(now.standardOutput.contains("as of the time the query runs."))
    }

    @Test("bad arguments exit non-zero, say what to do, and write nothing")
    func badArguments() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = try runPropensity(["export", "--model", Self.model, "--format", "sql", "--table", "features; drop",
                                       "--out", "m.sql"], in: directory)
        #expect(table.status != 0)
        #expect(table.standardError.contains("--table takes a plain name or schema.name (letters, digits, _), not `features; drop`"))
        let format = try runPropensity(["export", "--model", Self.model, "--format", "onnx"], in: directory)
        #expect(format.status != 0)
        #expect(format.standardError.contains("sql") && format.standardError.contains("pmml"))
        let missing = try runPropensity(["export", "--model", "nowhere.json", "--format", "sql", "--out", "m.sql"], in: directory)
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("nowhere.json"))
        let flat = try runPropensity(["export", "--model", repositoryRoot.appending(path: "models/flat-sqls.json").path,
                                      "--format", "feature-sql", "--out", "f.sql"], in: directory)
        #expect(flat.status != 0)
        #expect(flat.standardError.contains("this model was trained on a flat table, whose columns are its inputs already. "
            + "Use --format sql."))
        let instant = try runPropensity(["export", "--model", Self.model, "--format", "sql", "--as-of", "2025-07-01"], in: directory)
        #expect(instant.status != 0)
        #expect(instant.standardError.contains("--as-of is for --format feature-sql"))
        let badInstant = try runPropensity(["export", "--model", Self.model, "--format", "feature-sql", "--as-of", "July"],
                                           in: directory)
        #expect(badInstant.status != 0)
        #expect(badInstant.standardError.contains("--as-of must be an ISO 8601 date or instant"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("score --features: lead_id, the probability with every digit, then each input; the same leads as --out")
    func scoreFeatures() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runPropensity(["score", "--model", Self.model, "--data", Self.crm, "--as-of", "2025-07-01",
                                        "--features", "features.csv", "--out", "scores.csv"], in: directory)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Feature values written to features.csv"))
        let features = try ScoreCommandTests.rows(directory.appending(path: "features.csv"))
        let scores = try ScoreCommandTests.rows(directory.appending(path: "scores.csv"))
        #expect(Array(features.header.prefix(4)) == ["lead_id", "score_probability", "buying_team_14d", "finance_read_justification"])
        #expect(features.header.count == 2 + 19)
        #expect(features.order == scores.order)
        #expect(features.order.count == 659)
        for id in features.order {
            let full = try #require(Double(features.byID[id]![1]))
            // The score file rounds to 6 decimals.
            #expect(abs(full - Double(scores.byID[id]![1])!) <= 5e-7, "\(id)")
        }
        // A missing value is an empty field (speed_to_lead: never touched).
        let speed = features.header.firstIndex(of: "speed_to_lead")!
        #expect(features.byID.values.contains { $0[speed].isEmpty })
    }
}
