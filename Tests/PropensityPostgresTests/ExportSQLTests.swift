#if PostgreSQL
import CSVParsing
import ExportTestSupport
import Foundation
import ModelExport
import Scoring
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

    @Test("the feature query computes score's inputs from the CRM tables, and the model's query scores them")
    func featureQuery() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "propensity-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await TestDatabase.newDatabase(bundled: true)

        for item in try ExportCase.all(in: directory) {
            guard case .crm(let pipeline) = item.model.input else { continue }
            let query = try FeatureSQLExport.query(pipeline, dialect: .postgresql, asOf: ExportCase.asOf.timeIntervalSince1970,
                                                   header: [item.name])
            // Every input but a hashed feature's buckets, which the query leaves to the warehouse.
            let inputs = item.formula.inputs.filter { !$0.name.contains("[") }
            let selected = inputs.map { "\(SQLDialect.postgresql.identifier($0.name))::text" }.joined(separator: ", ")
            let rows = try await TestDatabase.rows("SELECT lead_id, \(selected) FROM (\n\(query)) AS f", at: database)
            let reader = try CSVReader(contentsOf: item.features)
            let expected = try reader.readAll()
            #expect(rows.count == expected.count, "\(item.name)")
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0]!, $0) })
            var compared = 0
            for record in expected {
                let row = try #require(byID[record[0]!], "\(item.name): lead \(record[0]!) is not in the query's rows")
                for (k, input) in inputs.enumerated() {
                    let want = record[reader.column(named: input.name)!], got = row[k + 1]
                    if input.kind == .text || want == nil || got == nil {
                        #expect(got == want, "\(item.name), lead \(record[0]!), \(input.name)")
                    } else {
                        let (a, b) = (Double(want!)!, Double(got!)!)
                        #expect(abs(a - b) <= 1e-12 * max(1, abs(a)), "\(item.name), lead \(record[0]!), \(input.name): \(a) vs \(b)")
                    }
                    compared += 1
                }
            }
            #expect(compared > 10_000)
        }

        // The warehouse's whole job: a view of the features, scored by the model's query.
        let bundled = try ExportCase.crmCase("chained", model: try ModelFile.read(from: BundledScores.modelURL), in: directory)
        guard case .crm(let pipeline) = bundled.model.input else { throw CRMModelExpected() }
        let features = try FeatureSQLExport.query(pipeline, dialect: .postgresql,
                                                  asOf: ExportCase.asOf.timeIntervalSince1970, header: [])
        try await TestDatabase.execute("CREATE VIEW features AS\n\(features)", at: database)
        let scoring = SQLExport.query(bundled.formula, dialect: .postgresql, table: "features", header: [])
        let scored = try await TestDatabase.rows("SELECT lead_id, probability::text FROM (\n\(scoring)) AS s", at: database)
        let reference = try CSVReader(contentsOf: bundled.features).readAll()
        let probability = Dictionary(uniqueKeysWithValues: reference.map { ($0[0]!, Double($0[1]!)!) })
        #expect(scored.count == bundled.rows)
        var largest = 0.0
        for row in scored { largest = max(largest, abs(Double(row[1]!)! - probability[row[0]!]!)) }
        #expect(largest <= 1e-12, "\(largest)")
    }

    struct CRMModelExpected: Error {}

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
