#if PostgreSQL
import Features
import Scoring
import Foundation
import Testing
import TestSupport
@testable import PropensityPostgres

/// `--data postgres://…`: the bundled export loaded into a real PostgreSQL 15 with typed
/// columns (`datasets/crm/postgres.sql`) reads exactly as its CSV files.
@Suite struct PostgresSourceTests {
    let crm = repositoryRoot.appendingPathComponent("datasets/crm")
    let spec = repositoryRoot.appendingPathComponent("datasets/crm/spec.yaml")

    /// A model file as a JSON object, without the training data's fingerprint.
    func modelWithoutFingerprint(_ url: URL) throws -> (NSDictionary, [String: Any]) {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let fingerprint = try #require(object.removeValue(forKey: "trainingData") as? [String: Any])
        return (object as NSDictionary, fingerprint)
    }

    @Test func trainingScoringAndEvaluationFromTheDatabaseEqualTheCSVPath() async throws {
        let url = try await TestDatabase.newDatabase(bundled: true)
        let folder = try makeTemporaryDirectory()
        let fixedTime = ["SOURCE_DATE_EPOCH": "1764000000"]
        var models: [URL] = []
        var outputs: [String] = []
        for (name, data) in [("db", url), ("csv", crm.path)] {
            let model = folder.appendingPathComponent("\(name).json")
            let train = try runPropensity(["train", "--spec", spec.path, "--data", data, "--l2", "1", "--out", model.path],
                                          environment: fixedTime)
            #expect(train.status == 0, "\(train.standardError)")
            models.append(model)
            outputs.append(train.standardOutput)
        }
        let (fromDatabase, databaseFingerprint) = try modelWithoutFingerprint(models[0])
        let (fromFiles, fileFingerprint) = try modelWithoutFingerprint(models[1])
        #expect(fromDatabase == fromFiles)
        #expect(databaseFingerprint["file"] as? String == "table leads")
        #expect(fileFingerprint["file"] as? String == "leads.csv")
        for key in ["rows", "positives", "closedFrom", "closedTo"] {
            #expect(databaseFingerprint[key] as? NSObject == fileFingerprint[key] as? NSObject, "\(key)")
        }
        #expect(outputs[0].contains("Trained on:           2673 rows of table leads"))

        // Scores: the same bytes, from the database or the files, with either model.
        var scores: [Data] = []
        for data in [url, crm.path] {
            let out = folder.appendingPathComponent("scores-\(scores.count).csv")
            let score = try runPropensity(["score", "--model", models[1].path, "--data", data, "--as-of", "2025-07-01",
                                           "--out", out.path])
            #expect(score.status == 0, "\(score.standardError)")
            scores.append(try Data(contentsOf: out))
        }
        #expect(scores[0] == scores[1])
        #expect(scores[0].count > 10_000)

        let evaluations = try [url, crm.path].map { data in
            try runPropensity(["evaluate", "--model", models[1].path, "--data", data, "--json"]).standardOutput
        }
        #expect(evaluations[0] == evaluations[1])
        #expect(evaluations[0].contains("\"auc\""))

        // The other commands that read an export: the same output either way, each with the
        // model trained on the same source (the source analysis recognises its training data).
        for arguments in [["forecast", "--as-of", "2025-07-01", "--by", "source"],
                          ["explain", "--lead", "L7", "--as-of", "2025-07-01", "--json"],
                          ["analyze"]] {
            let outputs = try zip(models, [url, crm.path]).map { model, data in
                try runPropensity([arguments[0], "--model", model.path, "--data", data] + arguments.dropFirst())
            }
            #expect(outputs[0].status == 0, "\(arguments[0]): \(outputs[0].standardError)")
            #expect(outputs[0].standardOutput == outputs[1].standardOutput, "\(arguments[0])")
            #expect(outputs[0].standardOutput.count > 200, "\(arguments[0])")
        }
    }

    @Test func theLibraryReadsTheSameDataSet() async throws {
        let url = try await TestDatabase.newDatabase(bundled: true)
        let featureSpec = try FeatureSpec(contentsOf: spec)
        let source = PostgresCRMSource(location: try PostgresLocation(url: url))
        let fromDatabase = try CRMDataSet(spec: featureSpec, source: source, threads: 3)
        let fromFiles = try CRMDataSet(spec: featureSpec, directory: crm)
        #expect(fromDatabase.leadCount == 4000)
        #expect(fromDatabase.outcomes == fromFiles.outcomes)
        #expect((0..<4000).allSatisfy { fromDatabase.leadID(at: $0) == fromFiles.leadID(at: $0) })
        #expect(fromDatabase.cutoffs(openLeadsAsOf: 1.75e9).elementsEqual(fromFiles.cutoffs(openLeadsAsOf: 1.75e9)) {
            $0 == $1 || $0.isNaN && $1.isNaN
        })
        #expect(fromDatabase.leadNumbers("amount")! == fromFiles.leadNumbers("amount")!)
        #expect(source.description == (try PostgresLocation(url: url)).description)
    }

    /// The spec with `table: NAME` added to one table's entry.
    func spec(reading table: String, as name: String) throws -> URL {
        let text = try String(contentsOf: spec, encoding: .utf8)
            .replacingOccurrences(of: "    file: \(table).csv\n", with: "    file: \(table).csv\n    table: \(name)\n")
        let url = try makeTemporaryDirectory().appendingPathComponent("spec.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func score(spec: URL, data: String, environment: [String: String] = [:]) throws -> CommandResult {
        let out = try makeTemporaryDirectory().appendingPathComponent("scores.csv")
        let result = try runPropensity(["train", "--spec", spec.path, "--data", data, "--l2", "1", "--out", out.path],
                                       environment: environment)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        return result
    }

    @Test func badTablesAndColumnsAreNamed() async throws {
        let url = try await TestDatabase.newDatabase(bundled: true)
        let location = try PostgresLocation(url: url)

        let missing = try score(spec: try spec(reading: "events", as: "crm_events"), data: url)
        #expect(missing.status == 1)
        #expect(missing.standardError == "Error: table crm_events: the database \(location) has no table or view `crm_events`. "
            + "Create it, or name the right one with `table:` in the spec's tables.events.\n")

        try await TestDatabase.execute("CREATE VIEW leads_v AS SELECT lead_id, company_id, outcome FROM leads", at: url)
        let noColumn = try score(spec: try spec(reading: "leads", as: "leads_v"), data: url)
        #expect(noColumn.status == 1)
        #expect(noColumn.standardError == "Error: table leads_v, column `sql_at` (cutoff.after): the spec names "
            + "this column, which the table lacks. Its columns are: `lead_id`, `company_id`, `outcome`.\n")

        // A column of another type: amounts as text, one of them not a number (lead L5, line 6).
        try await TestDatabase.execute("""
            CREATE VIEW leads_text AS SELECT lead_id, company_id, owner_rep, source, created_at, mql_at, sal_at, sql_at,
                bant_budget, bant_authority, bant_need, bant_timeline,
                CASE WHEN lead_id = 'L5' THEN 'n/a' ELSE amount::text END AS amount, acquisition_cost, outcome, closed_at,
                final_amount, loss_reason, forecast_category
            FROM leads
            """, at: url)
        let wrongType = try score(spec: try spec(reading: "leads", as: "leads_text"), data: url)
        #expect(wrongType.status == 1)
        #expect(wrongType.standardError == "Error: table leads_text, line 6, column `amount` (tables.leads.amount): `n/a` is not "
            + "a finite number. Write numbers like 12500 or 0.25 (no thousands separators), or leave the cell empty.\n")

        let badName = try score(spec: try spec(reading: "leads", as: "crm-leads"), data: url)
        #expect(badName.status == 1)
        #expect(badName.standardError == "Error: table crm-leads (tables.leads): `crm-leads` is not a table name: use letters, "
            + "digits and underscores, optionally after a schema and a dot. Correct `table:` in the spec.\n")
    }

    @Test func connectionProblemsAreClearAndWriteNothing() async throws {
        let url = try TestDatabase.url()
        let location = try TestDatabase.location()
        let wrongPassword = try score(spec: spec, data: url, environment: ["PGPASSWORD": "wrong-password"])
        #expect(wrongPassword.status == 1)
        #expect(wrongPassword.standardError.hasSuffix("the PostgreSQL server at \(location) refused the user with the password "
            + "from PGPASSWORD: password authentication failed for user \"propensity\". Check the user in the URL and the password.\n"))
        #expect(!wrongPassword.standardError.contains("wrong-password"))

        let nowhere = try score(spec: spec, data: "postgres://propensity@127.0.0.1:1/crm?sslmode=disable")
        #expect(nowhere.status == 1)
        #expect(nowhere.standardError.hasPrefix("Error: table companies: cannot reach the PostgreSQL server at "
            + "postgres://propensity@127.0.0.1:1/crm?sslmode=disable: "))

        let flat = try runPropensity(["train", "--data", url, "--label", "won", "--out", "/tmp/never.json"])
        #expect(flat.status == 64)
        #expect(flat.standardError.hasPrefix("Error: A database is read through a feature spec: add --spec SPEC.yaml"))
    }
}

extension PostgresSourceTests {
    @Test("The README's PostgreSQL library example runs as written")
    func readmeLibraryExample() async throws {
        let url = try await TestDatabase.newDatabase(bundled: true)
        let modelURL = repositoryRoot.appendingPathComponent("models/crm.json")
        let model = try ModelFile.read(from: modelURL)
        let scorer = try CRMScorer(model: model, threads: 2)
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        // From the README, with the URL and path of the test server and repository:
        let database = try PostgresLocation(url: url)
        let pipeline = try scorer.scoreOpenLeads(in: PostgresCRMSource(location: database), asOf: asOf)
        let identity = try ScoreTable.ModelIdentity(modelFile: modelURL, model: model)
        let written = try await ScoreTable(name: "lead_scores").write(pipeline, model: identity, to: database)

        let fromFiles = try scorer.scoreOpenLeads(in: repositoryRoot.appendingPathComponent("datasets/crm"), asOf: asOf)
        #expect(written == ScoreTable.WriteSummary(written: 659, replaced: 0, created: true))
        #expect(pipeline.scores.probability == fromFiles.scores.probability)
        #expect((0..<659).allSatisfy { pipeline.leadID($0) == fromFiles.leadID($0) })
    }
}
#endif
