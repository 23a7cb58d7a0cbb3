#if PostgreSQL
import Foundation
import PostgresNIO
import Scoring
import Testing
import TestSupport
@testable import PropensityPostgres

/// The test server: `scripts/with-postgres.sh` starts a PostgreSQL 15 on 127.0.0.1 and sets
/// `PROPENSITY_TEST_POSTGRES` (and `PGPASSWORD`) for the command it runs.
struct TestDatabase: Error, CustomStringConvertible {
    let description = "PROPENSITY_TEST_POSTGRES is not set: run the tests beside a PostgreSQL server, "
        + "as the README says: bash scripts/with-postgres.sh bash scripts/with-spark-connect.sh swift test"

    /// The URL of the test server.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PROPENSITY_TEST_POSTGRES"] else { throw TestDatabase() }
        return url
    }

    /// The test server's location, with its password.
    static func location(environment extra: [String: String] = [:]) throws -> PostgresLocation {
        try PostgresLocation(url: try url(), environment: ProcessInfo.processInfo.environment.merging(extra) { $1 })
    }

    /// A table name no other test uses.
    static func uniqueTable(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.prefix(8).lowercased()
    }

    /// Runs `sql` on the test server and returns its rows, every column read as text (cast
    /// the columns to text in the query; timestamps print in UTC).
    static func rows(_ sql: String) async throws -> [[String?]] {
        try await PostgresSession.with(try location(), doing: "a test query") { connection, logger in
            // Timestamps read as text in UTC, whatever the server's zone.
            try await connection.query("SET TIME ZONE 'UTC'", logger: logger)
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { try $0.decode(String?.self) })
            }
            return rows
        }
    }

    /// Runs statements on the test server.
    static func execute(_ sql: String) async throws {
        _ = try await rows(sql)
    }
}

/// The bundled model and data, scored as of 2025-07-01: what the tests write.
enum BundledScores {
    static let modelURL = repositoryRoot.appendingPathComponent("models/crm.json")
    static let asOf = Date(timeIntervalSince1970: 1_751_328_000)  // 2025-07-01T00:00:00Z

    static func scored(asOf: Date = asOf) throws -> (ScoredLeads, ScoreTable.ModelIdentity) {
        let model = try ModelFile.read(from: modelURL)
        let scored = try CRMScorer(model: model).scoreOpenLeads(in: repositoryRoot.appendingPathComponent("datasets/crm"), asOf: asOf)
        return (scored, try ScoreTable.ModelIdentity(modelFile: modelURL, model: model))
    }
}

extension TestDatabase {
    /// A new database on the test server, its URL; with `bundled`, holding the bundled CRM
    /// export as `scripts/load-postgres.sh` loads it.
    static func newDatabase(bundled: Bool) async throws -> String {
        let name = uniqueTable("crm")
        try await execute("CREATE DATABASE \(name)")
        let url = try url().replacingOccurrences(of: "/propensity?", with: "/\(name)?")
        if bundled {
            let load = Process()
            load.executableURL = URL(fileURLWithPath: "/bin/bash")
            load.arguments = [repositoryRoot.appendingPathComponent("scripts/load-postgres.sh").path, url]
            try load.run()
            load.waitUntilExit()
            try #require(load.terminationStatus == 0, "scripts/load-postgres.sh failed")
        }
        return url
    }

    /// Runs `sql` on the database at `url` and returns its rows as `rows(_:)` does.
    static func rows(_ sql: String, at url: String) async throws -> [[String?]] {
        try await PostgresSession.with(try PostgresLocation(url: url), doing: "a test query") { connection, logger in
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { try $0.decode(String?.self) })
            }
            return rows
        }
    }

    /// Runs statements on the database at `url`.
    static func execute(_ sql: String, at url: String) async throws {
        try await PostgresSession.with(try PostgresLocation(url: url), doing: "a test statement") { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}
#endif
