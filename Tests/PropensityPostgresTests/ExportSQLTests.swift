#if PostgreSQL
import CSVParsing
import ExportTestSupport
import Foundation
import ModelExport
import PostgresNIO
import Testing
import TestSupport
@testable import PropensityPostgres

/// The query of `propensity export --format sql --dialect postgresql`, run by a real
/// PostgreSQL 15 on each export case's features table (see `ExportCase`).
@Suite struct ExportSQLTests {
    @Test("PostgreSQL runs the exported query and gives score's probabilities to 1e-12 for every case")
    func postgresGivesScoresProbabilities() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "propensity-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        for item in try ExportCase.all(in: directory) {
            let table = TestDatabase.uniqueTable("features")
            try await load(item, into: table)
            let query = SQLExport.query(item.formula, dialect: .postgresql, table: table, header: [item.name])
            let rows = try await TestDatabase.rows(
                "SELECT score_probability::text, probability::text FROM (\n\(query)) AS scored")
            #expect(rows.count == item.rows, "\(item.name)")
            var largest = 0.0
            for row in rows {
                let expected = try #require(row[0].flatMap(Double.init)), actual = try #require(row[1].flatMap(Double.init))
                largest = max(largest, abs(actual - expected))
            }
            #expect(largest <= 1e-12, "\(item.name): \(largest)")
            try await TestDatabase.execute("DROP TABLE \(table)")
        }
    }

    @Test("names and text that need quoting reach PostgreSQL intact")
    func quoting() async throws {
        // A level with a quote and a backslash, and a column name with upper case and a space.
        let name = SQLDialect.postgresql.identifier("Deal Stage"), level = SQLDialect.postgresql.text(#"O'Brien \ Sons"#)
        let rows = try await TestDatabase.rows("""
            SELECT (CASE WHEN \(name) = \(level) THEN 1 ELSE 0 END)::text
            FROM (SELECT 'O''Brien \\ Sons'::text AS "Deal Stage") AS t
            """)
        #expect(rows == [["1"]])
    }

    /// Creates `table` with the case's columns (double precision or text) and copies its
    /// features file in.
    private func load(_ item: ExportCase, into table: String) async throws {
        let reader = try CSVReader(contentsOf: item.features)
        let header = reader.header
        let records = try reader.readAll()
        let columns = header.map { "\(SQLDialect.postgresql.identifier($0)) \(item.columns[$0] == "number" ? "double precision" : "text")" }
        try await TestDatabase.execute("CREATE TABLE \(table) (\(columns.joined(separator: ", ")))")
        try await PostgresSession.with(try TestDatabase.location(), doing: "loading a features table") { connection, logger in
            try await connection.copyFrom(table: table, columns: header, logger: logger) { copy in
                var buffer = ByteBuffer()
                for record in records {
                    for (i, field) in record.enumerated() {
                        if i > 0 { buffer.writeString("\t") }
                        if let field { buffer.writeCopyText(field) } else { buffer.writeString("\\N") }
                    }
                    buffer.writeString("\n")
                }
                try await copy.write(buffer)
            }
        }
    }
}
#endif
