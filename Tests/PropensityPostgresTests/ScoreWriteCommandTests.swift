#if PostgreSQL
import Foundation
import Testing
import TestSupport
@testable import PropensityPostgres

/// `propensity score --write`, run as a process against the test server.
@Suite struct ScoreWriteCommandTests {
    let model = repositoryRoot.appendingPathComponent("models/crm.json").path
    let data = repositoryRoot.appendingPathComponent("datasets/crm").path

    func score(_ extra: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try runPropensity(["score", "--model", model, "--data", data, "--as-of", "2025-07-01"] + extra, environment: environment)
    }

    @Test func writesTheSameScoresAsTheFileAndReplacesThemOnARerun() async throws {
        let url = try TestDatabase.url()
        let location = try TestDatabase.location()
        let table = TestDatabase.uniqueTable("lead_scores")
        let folder = try makeTemporaryDirectory()
        let out = folder.appendingPathComponent("scores.csv")
        let first = try score(["--out", out.path, "--write", url, "--table", table])
        #expect(first.status == 0, "\(first.standardError)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(first.standardOutput.contains("Scores written to \(table) at \(location) (\(lines.count) rows; table created).\n"))
        #expect(!first.standardOutput.contains(ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "-"))

        // lead_id, probability (6 decimals), score and grade as in the CSV file.
        let fromFile = lines.map { line -> [String] in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return [fields[0], fields[1], fields[4], fields[5]]
        }.sorted { $0[0] < $1[0] }
        let fromTable = try await TestDatabase.rows(
            "SELECT lead_id, to_char(probability, 'FM0.000000'), score::text, grade FROM \(table) ORDER BY lead_id")
        #expect(fromTable.map { $0.map { $0 ?? "" } } == fromFile)

        let again = try score(["--write", url, "--table", table])
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("Scores written to \(table) at \(location) (\(lines.count) rows, "
            + "replacing \(lines.count) of an earlier run).\n"))
        #expect(try await TestDatabase.rows("SELECT count(*)::text FROM \(table)") == [[String(lines.count)]])
    }

    @Test func databaseErrorsStopBeforeScoringAndWriteNoFile() async throws {
        let url = try TestDatabase.url()
        let location = try TestDatabase.location()
        let folder = try makeTemporaryDirectory()
        let out = folder.appendingPathComponent("scores.csv")

        let badPassword = try score(["--out", out.path, "--write", url], environment: ["PGPASSWORD": "wrong-password"])
        #expect(badPassword.status == 1)
        #expect(badPassword.standardError == "Error: the PostgreSQL server at \(location) refused the user with the password "
            + "from PGPASSWORD: password authentication failed for user \"propensity\". Check the user in the URL and the password.\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let table = TestDatabase.uniqueTable("lead_scores")
        try await TestDatabase.execute("CREATE TABLE \(table) (lead_id integer)")
        let incompatible = try score(["--out", out.path, "--write", url, "--table", table])
        #expect(incompatible.status == 1)
        #expect(incompatible.standardError.hasPrefix("Error: the table `\(table)` exists with another schema: "
            + "`lead_id` is integer, not text; it has no column `probability` (double precision);"))
        #expect(incompatible.standardError.hasSuffix("Write to another table with --table, or drop or rename this one.\n"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try await TestDatabase.rows("SELECT count(*)::text FROM \(table)") == [["0"]])
    }

    @Test func refusesBadArgumentsBeforeConnecting() throws {
        let noTarget = try score([])
        #expect(noTarget.status == 64)
        #expect(noTarget.standardError.hasPrefix(
            "Error: Give --out FILE, --write postgres://user@host:port/database, --features FILE, or more than one: "
                + "where the scores go.\n"))
        let path = try score(["--write", "/tmp/scores.csv"])
        #expect(path.standardError.hasPrefix("Error: --write takes a PostgreSQL URL (postgres://user@host:port/database), "
            + "not `/tmp/scores.csv`; to write a file, use --out.\n"))
        let password = try score(["--write", "postgres://me:hunter2@localhost/crm"])
        #expect(password.standardError.hasPrefix("Error: cannot use the database URL `postgres://me:…@localhost/crm`: it holds a password"))
        #expect(!password.standardError.contains("hunter2"))
        let table = try score(["--write", "postgres://localhost/crm", "--table", "lead-scores"])
        #expect(table.standardError.hasPrefix("Error: `lead-scores` is not a table name this writes to"))
    }
}
#endif
