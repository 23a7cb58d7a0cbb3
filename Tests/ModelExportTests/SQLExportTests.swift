import Foundation
import TestSupport
import Testing
import Training

@testable import ModelExport

/// How numbers, names and text are spelt in each dialect; the engines themselves run the
/// queries in `ExportEngineTests` and `ExportSQLTests`.
struct SQLExportTests {
    @Test("numbers are in exponent form with digits that read back as the same double")
    func numbersRoundTrip() {
        var random = SeededGenerator(seed: 5)
        var values: [Double] = [1, -1, 0.5, 0.1, 1e-5, 123.456, 1e300, -2.5e-310, .leastNonzeroMagnitude,
                                .greatestFiniteMagnitude, 0.30000000000000004, 100, 12_345_678_901_234_567]
        values += (0..<2000).map { _ in
            Double(sign: Bool.random(using: &random) ? .minus : .plus,
                   exponent: Int.random(in: -1000...1000, using: &random),
                   significand: Double.random(in: 1..<2, using: &random))
        }
        for x in values {
            let text = SQLDialect.spark.number(x)
            let bare = text.hasPrefix("(") ? String(text.dropFirst().dropLast()) : text
            #expect(Double(bare) == x, "\(x) as \(text)")
            #expect(bare.contains("E"), "\(text) has no exponent")
            #expect(!bare.dropFirst().contains("-") || bare.contains("E-"), "\(text)")
            #expect(text.hasPrefix("(-") == (x < 0), "\(text): a negative number is parenthesized")
        }
        #expect(SQLDialect.postgresql.number(0) == "0E0")
        #expect(SQLDialect.postgresql.number(0.5) == "5E-1")
        #expect(SQLDialect.postgresql.number(-125) == "(-1.25E2)")
        #expect(SQLDialect.postgresql.number(1e-5) == "1E-5")
    }

    @Test("plain lower-case names stay bare; others are quoted the dialect's way")
    func identifiers() {
        #expect(SQLDialect.postgresql.identifier("web_visits_30d") == "web_visits_30d")
        #expect(SQLDialect.spark.identifier("web_visits_30d") == "web_visits_30d")
        #expect(SQLDialect.postgresql.identifier("country[3]") == #""country[3]""#)
        #expect(SQLDialect.spark.identifier("country[3]") == "`country[3]`")
        #expect(SQLDialect.postgresql.identifier("Amount") == #""Amount""#)
        #expect(SQLDialect.postgresql.identifier("select") == #""select""#)
        #expect(SQLDialect.postgresql.identifier("3d") == #""3d""#)
        #expect(SQLDialect.postgresql.identifier(#"a"b"#) == #""a""b""#)
        #expect(SQLDialect.spark.identifier("a`b") == "`a``b`")
    }

    @Test("text constants: PostgreSQL doubles quotes, Spark SQL escapes quotes and backslashes")
    func text() {
        #expect(SQLDialect.postgresql.text(#"O'Brien \ Sons"#) == #"'O''Brien \ Sons'"#)
        #expect(SQLDialect.spark.text(#"O'Brien \ Sons"#) == #"'O\'Brien \\ Sons'"#)
        #expect(SQLDialect.spark.text("a\nb") == #"'a\nb'"#)
        #expect(SQLDialect.postgresql.text("naïve") == "'naïve'")
    }

    @Test("a choice chain is one CASE; a log1p is LN(1 + x) in PostgreSQL and LOG1P in Spark SQL")
    func formulas() {
        let formula = Formula.choose(.isMissing("x"), .constant(2),
                                     .choose(.greaterThan(.input("x"), -1), .log1p(.input("x")), .constant(2)))
        let model = ScoringFormula(inputs: [.init(name: "x", kind: .number, meaning: "x")], derived: [],
                                   columns: [.init(name: "x", formula: formula)], intercept: 0, coefficients: [1],
                                   calibration: nil)
        #expect(SQLWriter(dialect: .postgresql, formula: model).sql(formula)
            == "CASE WHEN x IS NULL THEN 2E0 WHEN x > (-1E0) THEN LN(1E0 + x) ELSE 2E0 END")
        #expect(SQLWriter(dialect: .spark, formula: model).sql(formula)
            == "CASE WHEN x IS NULL THEN 2E0 WHEN x > (-1E0) THEN LOG1P(x) ELSE 2E0 END")
        #expect(SQLWriter(dialect: .spark, formula: model).sql(Condition.isOneOf("s", ["a", "b"])) == "s IN ('a', 'b')")
    }
}
