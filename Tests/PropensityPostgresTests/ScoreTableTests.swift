#if PostgreSQL
import Foundation
import Scoring
import Testing
import TestSupport
@testable import PropensityPostgres

/// `ScoreTable` against a real PostgreSQL 15 (see `TestDatabase`).
@Suite struct ScoreTableTests {
    @Test func createsTheTableAndWritesEveryScoredLead() async throws {
        let (scored, model) = try BundledScores.scored()
        let table = try ScoreTable(name: TestDatabase.uniqueTable("scores"))
        let scoredAt = Date(timeIntervalSince1970: 1_751_400_000)
        let summary = try await table.write(scored, model: model, to: try TestDatabase.location(), scoredAt: scoredAt)
        #expect(summary == ScoreTable.WriteSummary(written: scored.count, replaced: 0, created: true))
        #expect(scored.count > 100)

        // The schema is the documented one.
        let columns = try await TestDatabase.rows("""
            SELECT attname::text, format_type(atttypid, atttypmod), attnotnull::text FROM pg_attribute
            WHERE attrelid = '\(table.name)'::regclass AND attnum > 0 ORDER BY attnum
            """)
        #expect(columns == ScoreTable.columns.map { [$0.name, $0.type, $0.nullable ? "false" : "true"] })

        // Every row holds what the score file says of its lead.
        let rows = try await TestDatabase.rows("""
            SELECT lead_id, probability::text, probability_low::text, probability_high::text, score::text, grade,
                   earlier_score::text, earlier_as_of::text, score_change::text, raising::text, lowering::text,
                   model_id, model_version, as_of::text, scored_at::text
            FROM \(table.name) ORDER BY lead_id
            """)
        #expect(rows.count == scored.count)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0]!, $0) })
        for k in 0..<scored.count {
            let row = try #require(byID[scored.leadID(k)])
            #expect(Double(row[1]!) == scored.scores.probability[k])
            #expect(Double(row[2]!) == scored.scores.low[k])
            #expect(Double(row[3]!) == scored.scores.high[k])
            #expect(Int(row[4]!) == scored.scores.score[k])
            #expect(row[5] == scored.scores.grade(k).rawValue)
            let earlier = scored.earlierScore[k]
            #expect(row[6] == (earlier >= 0 ? String(earlier) : nil))
            #expect(row[7] == "2025-06-24 00:00:00+00")
            #expect(row[8] == (earlier >= 0 ? String(scored.scores.score[k] - earlier) : nil))
            let raising = try JSONDecoder().decode([Factor].self, from: Data(row[9]!.utf8))
            let lowering = try JSONDecoder().decode([Factor].self, from: Data(row[10]!.utf8))
            #expect(raising == scored.factors(k, raising: true))
            #expect(lowering == scored.factors(k, raising: false))
            #expect(row[11] == model.id)
            #expect(row[12] == "0.1.0")
            #expect(row[13] == "2025-07-01 00:00:00+00")
            #expect(row[14] == "2025-07-01 20:00:00+00")
        }
        #expect(model.id.count == 16)
    }

    @Test func aRerunReplacesItsRowsAndAnotherInstantAddsRows() async throws {
        let (scored, model) = try BundledScores.scored()
        let table = try ScoreTable(name: TestDatabase.uniqueTable("scores"))
        let location = try TestDatabase.location()
        _ = try await table.write(scored, model: model, to: location, scoredAt: Date(timeIntervalSince1970: 1_751_400_000))
        let again = try await table.write(scored, model: model, to: location, scoredAt: Date(timeIntervalSince1970: 1_751_500_000))
        #expect(again == ScoreTable.WriteSummary(written: scored.count, replaced: scored.count, created: false))
        #expect(try await TestDatabase.rows("SELECT count(*)::text, min(scored_at)::text FROM \(table.name)")
            == [[String(scored.count), "2025-07-02 23:46:40+00"]])

        let (later, _) = try BundledScores.scored(asOf: Date(timeIntervalSince1970: 1_751_932_800))  // 2025-07-08
        let added = try await table.write(later, model: model, to: location)
        #expect(added.replaced == 0)
        #expect(try await TestDatabase.rows("SELECT count(*)::text FROM \(table.name)") == [[String(scored.count + later.count)]])

        // Another model's rows for the same instant are its own.
        let other = ScoreTable.ModelIdentity(id: "0123456789abcdef", version: "0.1.0")
        let otherWrite = try await table.write(scored, model: other, to: location)
        #expect(otherWrite.replaced == 0)
        #expect(try await TestDatabase.rows("SELECT count(DISTINCT model_id)::text FROM \(table.name)") == [["2"]])
    }

    @Test func aFailedWriteLeavesTheTableAsItWas() async throws {
        let (scored, model) = try BundledScores.scored()
        let table = try ScoreTable(name: TestDatabase.uniqueTable("scores"))
        let location = try TestDatabase.location()
        _ = try await table.write(scored, model: model, to: location, scoredAt: Date(timeIntervalSince1970: 1_751_400_000))
        // A constraint the new rows break part-way through the copy (the rows already there
        // are not checked).
        try await TestDatabase.execute("ALTER TABLE \(table.name) ADD CONSTRAINT low_scores CHECK (score < 40) NOT VALID")
        let highScores = (0..<scored.count).filter { scored.scores.score[$0] >= 40 }.count
        #expect(highScores > 0 && highScores < scored.count)
        await #expect {
            _ = try await table.write(scored, model: model, to: location)
        } throws: { error in
            let message = (error as? PostgresError)?.description ?? ""
            return message.hasPrefix("PostgreSQL at \(location) failed while writing the scores to \(table.name): "
                + "new row for relation \"\(table.name)\" violates check constraint \"low_scores\"")
        }
        // The earlier run's rows are all there, untouched: the delete was rolled back with the copy.
        #expect(try await TestDatabase.rows("SELECT count(*)::text, max(scored_at)::text FROM \(table.name)")
            == [[String(scored.count), "2025-07-01 20:00:00+00"]])
    }

    @Test func anIncompatibleTableIsAnErrorAndIsNotChanged() async throws {
        let (scored, model) = try BundledScores.scored()
        let location = try TestDatabase.location()
        let name = TestDatabase.uniqueTable("scores")
        try await TestDatabase.execute("""
            CREATE TABLE \(name) (lead_id text NOT NULL, probability text, score integer NOT NULL, grade text NOT NULL,
                                  earlier_score integer NOT NULL, owner text NOT NULL)
            """)
        await #expect(throws: PostgresError.incompatibleSchema(table: name, "`probability` is text, not double precision; "
            + "it has no column `probability_low` (double precision); it has no column `probability_high` (double precision); "
            + "`earlier_score` is NOT NULL, but holds nulls; it has no column `earlier_as_of` (timestamp with time zone); "
            + "it has no column `score_change` (integer); it has no column `raising` (jsonb); it has no column `lowering` (jsonb); "
            + "it has no column `model_id` (text); it has no column `model_version` (text); "
            + "it has no column `as_of` (timestamp with time zone); it has no column `scored_at` (timestamp with time zone); "
            + "its column `owner` is NOT NULL without a default, so no row could be added")) {
            _ = try await ScoreTable(name: name).write(scored, model: model, to: location)
        }
        #expect(try await TestDatabase.rows("SELECT count(*)::text FROM pg_attribute WHERE attrelid = '\(name)'::regclass AND attnum > 0")
            == [["6"]])

        let view = TestDatabase.uniqueTable("scores_view")
        try await TestDatabase.execute("CREATE VIEW \(view) AS SELECT 1 AS lead_id")
        await #expect(throws: PostgresError.incompatibleSchema(table: view, "it is not a table (relkind `v`)")) {
            _ = try await ScoreTable(name: view).write(scored, model: model, to: location)
        }
    }

    @Test func writesIntoASchema() async throws {
        let (scored, model) = try BundledScores.scored()
        let schema = TestDatabase.uniqueTable("analytics")
        try await TestDatabase.execute("CREATE SCHEMA \(schema)")
        let table = try ScoreTable(name: "\(schema).lead_scores")
        let summary = try await table.write(scored, model: model, to: try TestDatabase.location())
        #expect(summary.created)
        #expect(try await TestDatabase.rows("SELECT count(*)::text FROM \(schema).lead_scores") == [[String(scored.count)]])
    }

    @Test func connectionFailuresSayWhatToCheck() async throws {
        let (scored, model) = try BundledScores.scored()
        let table = try ScoreTable(name: "lead_scores")
        let good = try TestDatabase.location()

        let wrongPassword = try TestDatabase.location(environment: ["PGPASSWORD": "not-the-password"])
        await #expect(throws: PostgresError.authentication(good.description,
                                                           "password authentication failed for user \"propensity\"",
                                                           passwordSource: "PGPASSWORD")) {
            _ = try await table.write(scored, model: model, to: wrongPassword)
        }
        let message = PostgresError.authentication(good.description, "password authentication failed for user \"propensity\"",
                                                   passwordSource: "PGPASSWORD").description
        #expect(message == "the PostgreSQL server at \(good) refused the user with the password from PGPASSWORD: "
            + "password authentication failed for user \"propensity\". Check the user in the URL and the password.")
        #expect(!message.contains("not-the-password"))

        // Nothing listens on port 1.
        let nowhere = try PostgresLocation(url: "postgres://propensity@127.0.0.1:1/propensity?sslmode=disable", environment: [:])
        await #expect {
            _ = try await table.write(scored, model: model, to: nowhere)
        } throws: { error in
            guard case .unreachable(let location, let why)? = error as? PostgresError else { return false }
            return location == "postgres://propensity@127.0.0.1:1/propensity?sslmode=disable" && why.contains("refused")
        }

        let missingDatabase = try PostgresLocation(url: try TestDatabase.url().replacingOccurrences(of: "/propensity?", with: "/no_such_db?"))
        await #expect(throws: PostgresError.server(missingDatabase.description, doing: "connecting",
                                                   "database \"no_such_db\" does not exist")) {
            _ = try await table.write(scored, model: model, to: missingDatabase)
        }
    }
}
#endif
