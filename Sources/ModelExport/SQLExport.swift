import Foundation
import Training

/// The SQL engines an export is written for. A query is the same in both but for the
/// spelling of names and text (PostgreSQL quotes names with `"`, Spark SQL with `` ` ``, and
/// Spark SQL reads backslashes in text as escapes), `log1p`, which PostgreSQL lacks, and in the
/// feature query (`FeatureSQLExport`) the seconds of a timestamp.
public enum SQLDialect: String, CaseIterable, Sendable {
    case postgresql
    case spark
}

/// A model as one SQL query: the close probability of every row of a table of inputs,
/// computed by the database with the model's own encodings, coefficients and calibration.
///
/// The query reads `ScoringFormula.inputs` as columns of `table` (a NULL is a missing value)
/// and returns every column of the table plus `probability`:
///
///     SELECT t.*, 1E0 / (1E0 + EXP(-GREATEST(LEAST(<η>, 7E2), -7E2))) AS probability
///     FROM features AS t
///
/// `η` is the intercept plus each model column's SQL times its coefficient; a model with
/// isotonic calibration adds a subquery whose `uncalibrated_probability` the calibration maps.
/// Every number is written in exponent form (`5E-1`, `-1.25E2`) with the digits that read
/// back as the same double, so Spark SQL reads each as a DOUBLE rather than a DECIMAL, and
/// PostgreSQL's NUMERIC constants convert to the same doubles. `η` is clamped to ±700, where
/// `exp` neither overflows nor underflows in PostgreSQL; the probability it changes is below
/// 1e-304.
public enum SQLExport {
    /// The query computing the probability of every row of `table`.
    ///
    /// - Parameters:
    ///   - formula: The model's formulas.
    ///   - dialect: The engine to write for.
    ///   - table: The table or view of inputs, written as given (it may be `schema.name`).
    ///   - header: Lines for the opening comment (what the model is); the inputs are listed
    ///     after them.
    /// - Complexity: O(size of the formulas).
    public static func query(_ formula: ScoringFormula, dialect: SQLDialect, table: String, header: [String]) -> String {
        let writer = SQLWriter(dialect: dialect, formula: formula)
        var lines = header.map { "-- " + $0 }
        lines.append("-- Inputs, columns of \(table) (NULL for a missing value):")
        let width = formula.inputs.map { dialect.identifier($0.name).count }.max() ?? 0
        for input in formula.inputs {
            let name = dialect.identifier(input.name)
            let kind = input.kind.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
            lines.append("--   \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(kind)  \(input.meaning)")
        }
        let eta = writer.logOdds()
        switch formula.calibration {
        case nil:
            lines += ["SELECT", "  t.*,", "  \(writer.logistic(eta)) AS probability", "FROM \(table) AS t"]
        case .platt(let platt)?:
            // c(η) = 1 / (1 + exp(Aη + B)) = σ(−Aη − B).
            let mapped = "\(dialect.number(-platt.a)) * \(eta) + \(dialect.number(-platt.b))"
            lines += ["SELECT", "  t.*,", "  \(writer.logistic(mapped)) AS probability", "FROM \(table) AS t"]
        case .isotonic(let isotonic)?:
            lines += ["SELECT", "  s.*,", "  \(writer.isotonic(isotonic, of: "s.uncalibrated_probability")) AS probability",
                      "FROM (", "  SELECT", "    t.*,", "    \(writer.logistic(eta)) AS uncalibrated_probability",
                      "  FROM \(table) AS t", ") AS s"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Writes formulas as SQL text in one dialect.
struct SQLWriter {
    let dialect: SQLDialect
    let formula: ScoringFormula
    /// The SQL of each intermediate value, written once and inlined where it is read.
    private var derived: [String: String] = [:]

    init(dialect: SQLDialect, formula: ScoringFormula) {
        self.dialect = dialect
        self.formula = formula
        for item in formula.derived { derived[item.name] = sql(item.formula) }
    }

    /// `intercept + β₁ * column₁ + …`, one term a line, leaving out columns whose coefficient
    /// is exactly 0.
    func logOdds() -> String {
        var terms = [dialect.number(formula.intercept)]
        for (column, beta) in zip(formula.columns, formula.coefficients) where beta != 0 {
            terms.append("\(dialect.number(beta)) * \(sql(column.formula))")
        }
        return "(\n      " + terms.joined(separator: "\n      + ") + "\n    )"
    }

    /// `σ(x)`, with `x` clamped to ±700.
    func logistic(_ x: String) -> String {
        "1E0 / (1E0 + EXP(-GREATEST(LEAST(\(x), 7E2), -7E2)))"
    }

    /// The isotonic map of the probability `p`: the first or last value outside the thresholds,
    /// linear between them (`IsotonicCalibration.probability(_:)`).
    func isotonic(_ isotonic: IsotonicCalibration, of p: String) -> String {
        let t = isotonic.thresholds, v = isotonic.values
        let last = t.count - 1
        var cases = ["WHEN \(p) <= \(dialect.number(t[0])) THEN \(dialect.number(v[0]))",
                     "WHEN \(p) >= \(dialect.number(t[last])) THEN \(dialect.number(v[last]))"]
        for i in 0..<last {
            let slope = (v[i + 1] - v[i]) / (t[i + 1] - t[i])
            cases.append("WHEN \(p) < \(dialect.number(t[i + 1])) THEN \(dialect.number(slope)) * (\(p) - "
                         + "\(dialect.number(t[i]))) + \(dialect.number(v[i]))")
        }
        return "CASE " + cases.joined(separator: " ") + " END"
    }

    /// The SQL of a formula; compound expressions come in parentheses.
    func sql(_ f: Formula) -> String {
        switch f {
        case .constant(let x): return dialect.number(x)
        case .input(let name): return dialect.identifier(name)
        case .derived(let name): return derived[name]!
        case .sum(let terms): return "(" + terms.map(sql).joined(separator: " + ") + ")"
        case .difference(let a, let b): return "(\(sql(a)) - \(sql(b)))"
        case .product(let factors): return "(" + factors.map(sql).joined(separator: " * ") + ")"
        case .quotient(let a, let b): return "(\(sql(a)) / \(sql(b)))"
        case .log1p(let a): return dialect == .spark ? "LOG1P(\(sql(a)))" : "LN(1E0 + \(sql(a)))"
        case .maximum(let a, let b): return "GREATEST(\(sql(a)), \(sql(b)))"
        case .minimum(let a, let b): return "LEAST(\(sql(a)), \(sql(b)))"
        case .choose:
            // A chain of choices in the else branch becomes one CASE.
            var whens: [String] = []
            var rest = f
            while case .choose(let condition, let then, let otherwise) = rest {
                whens.append("WHEN \(sql(condition)) THEN \(sql(then))")
                rest = otherwise
            }
            return "CASE " + whens.joined(separator: " ") + " ELSE \(sql(rest)) END"
        }
    }

    func sql(_ condition: Condition) -> String {
        switch condition {
        case .isMissing(let name): return "\(dialect.identifier(name)) IS NULL"
        case .greaterThan(let f, let bound): return "\(sql(f)) > \(dialect.number(bound))"
        case .isOneOf(let name, let values):
            if values.count == 1 { return "\(dialect.identifier(name)) = \(dialect.text(values[0]))" }
            return "\(dialect.identifier(name)) IN (" + values.map(dialect.text).joined(separator: ", ") + ")"
        }
    }
}

extension SQLDialect {
    /// A column name: bare when it is a plain lower-case name that no SQL reserves, else
    /// quoted.
    public func identifier(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ("a"..."z").contains($0) } == true
            && name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        if plain && !Self.reservedWords.contains(name) { return name }
        switch self {
        case .postgresql: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        }
    }

    /// A text constant. PostgreSQL doubles a quote and takes backslashes as they are; Spark SQL
    /// reads backslash escapes (and joins adjacent quoted strings, so `''` is no quote there).
    public func text(_ value: String) -> String {
        switch self {
        case .postgresql:
            return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        case .spark:
            var out = "'"
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "'": out += "\\'"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "'"
        }
    }

    /// A finite double in exponent form with the shortest digits that read back as it: `5E-1`,
    /// `-1.25E2`, `1E0`. Spark SQL reads a number with an exponent as a DOUBLE.
    func number(_ x: Double) -> String {
        precondition(x.isFinite, "A model's numbers are finite.")
        if x == 0 { return "0E0" }
        // The shortest round-trip digits of Swift's description, as a mantissa and exponent.
        var text = x.magnitude.description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        var digits = text.replacingOccurrences(of: ".", with: "")
        let point = text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count
        exponent += point - 1
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        exponent -= leadingZeros
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        let mantissa = digits.count == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
        let sign = x < 0 ? "-" : ""
        // Parenthesized when negative, so that `a - -1E0` never reads as a comment `--`.
        return x < 0 ? "(\(sign)\(mantissa)E\(exponent))" : "\(mantissa)E\(exponent)"
    }

    /// Words neither engine takes as a bare column name, and a few more to be safe.
    static let reservedWords: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
        "binary", "both", "by", "case", "cast", "check", "collate", "column", "constraint", "create", "cross",
        "cube", "current", "current_date", "current_time", "current_timestamp", "current_user", "default",
        "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "false", "fetch", "filter",
        "for", "foreign", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
        "intersect", "interval", "into", "is", "join", "lateral", "leading", "left", "like", "limit",
        "localtime", "localtimestamp", "natural", "not", "null", "of", "offset", "on", "only", "or", "order",
        "outer", "over", "overlaps", "partition", "placing", "primary", "range", "references", "returning",
        "right", "rollup", "rows", "select", "session_user", "similar", "some", "symmetric", "table",
        "tablesample", "then", "time", "timestamp", "to", "trailing", "true", "union", "unique", "unknown",
        "user", "using", "values", "variadic", "verbose", "when", "where", "window", "with",
    ]
}
