#if PostgreSQL
import Foundation
import Testing
import TestSupport
@testable import PropensityPostgres

@Suite struct PostgresLocationTests {
    let noPassword = ["HOME": "/nonexistent", "USER": "login"]

    @Test func readsEveryPartOfTheURL() throws {
        let location = try PostgresLocation(url: "postgres://analyst@db.internal:6543/crm?sslmode=require", environment: noPassword)
        #expect(location.host == "db.internal")
        #expect(location.port == 6543)
        #expect(location.user == "analyst")
        #expect(location.database == "crm")
        #expect(location.tls == .require)
        #expect(location.password == nil)
        #expect(location.description == "postgres://analyst@db.internal:6543/crm?sslmode=require")
    }

    @Test func fillsInLibpqDefaults() throws {
        let location = try PostgresLocation(url: "postgresql://", environment: noPassword)
        #expect(location.host == "localhost")
        #expect(location.port == 5432)
        #expect(location.user == "login")
        #expect(location.database == "login")
        #expect(location.tls == .prefer)
        let pgUser = try PostgresLocation(url: "postgres://db/crm", environment: ["PGUSER": "etl", "USER": "login"])
        #expect(pgUser.user == "etl")
        #expect(pgUser.description == "postgres://etl@db:5432/crm")
    }

    @Test func refusesAPasswordInTheURLWithoutPrintingIt() {
        #expect(throws: PostgresError.self) { try PostgresLocation(url: "postgres://analyst:s3cret@db/crm") }
        do {
            _ = try PostgresLocation(url: "postgres://analyst:s3cret@db/crm")
        } catch {
            #expect(error.description == "cannot use the database URL `postgres://analyst:…@db/crm`: it holds a password, which "
                + "would show in process lists and shell histories. Remove it from the URL and set PGPASSWORD, or put it in ~/.pgpass.")
            #expect(!error.description.contains("s3cret"))
        }
    }

    @Test func refusesOtherURLs() {
        for (url, why) in [
            ("/data/crm", "it is not a URL of the form postgres://user@host:port/database"),
            ("postgres://db/crm?sslmode=verify-full", "sslmode is `verify-full`; use disable, prefer or require"),
            ("postgres://db/crm?connect_timeout=3", "`connect_timeout` is not an option here; the only one is sslmode=disable|prefer|require"),
            ("postgres://db/crm/leads", "the path names more than a database (`crm/leads`)"),
        ] {
            #expect(throws: PostgresError.badURL(url, why)) { try PostgresLocation(url: url, environment: noPassword) }
        }
    }

    @Test func takesThePasswordFromPGPASSWORDFirst() throws {
        let location = try PostgresLocation(url: "postgres://a@h/d", environment: ["PGPASSWORD": "from-env", "PGPASSFILE": "/nonexistent"])
        #expect(location.password == "from-env")
        #expect(location.passwordSource == "PGPASSWORD")
        #expect(!location.description.contains("from-env"))
    }

    @Test func readsThePasswordFileAsLibpqDoes() throws {
        let folder = try makeTemporaryDirectory()
        let file = folder.appendingPathComponent("pgpass")
        try """
            # comment
            other:5432:crm:analyst:wrong-host
            db:*:crm:analyst:pa\\:ss\\\\word
            *:*:*:*:fallback
            """.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let environment = ["PGPASSFILE": file.path, "USER": "login"]
        let matched = try PostgresLocation(url: "postgres://analyst@db:6000/crm", environment: environment)
        #expect(matched.password == "pa:ss\\word")
        #expect(matched.passwordSource == file.path)
        let fallback = try PostgresLocation(url: "postgres://analyst@elsewhere/crm", environment: environment)
        #expect(fallback.password == "fallback")

        // Readable by others: ignored, as libpq ignores it.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let ignored = try PostgresLocation(url: "postgres://analyst@db:6000/crm", environment: environment)
        #expect(ignored.password == nil)
        #expect(ignored.passwordSource == nil)
    }

    @Test func tableNamesAreIdentifiers() throws {
        #expect(try ScoreTable(name: "lead_scores").name == "lead_scores")
        #expect(try ScoreTable(name: "analytics.Lead_Scores_2").quoted == "\"analytics\".\"Lead_Scores_2\"")
        for bad in ["", "1scores", "lead-scores", "a.b.c", "scores; DROP TABLE x", "a.", String(repeating: "x", count: 64)] {
            #expect(throws: PostgresError.badTableName(bad)) { try ScoreTable(name: bad) }
        }
    }
}
#endif
