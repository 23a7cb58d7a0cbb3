import ArgumentParser
import Foundation
import Propensity

/// `propensity export`: a saved model as SQL or PMML.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a saved model as a SQL query or a PMML document, to score where the data lives.",
        discussion: """
            The export computes the model's probability from its inputs, one row at a time, with \
            the model's own encodings (log1p, clips, imputed missing values and their indicators, \
            quantile bins, spline terms, one-hot levels with `other` and `(missing)`, interactions), \
            coefficients and calibration.

            The inputs of a CRM model are its spec features' raw values as of the scoring instant, \
            one column per feature, named as the feature; a hashed feature's input is its signed \
            bucket columns NAME[0], NAME[1]…; an interaction has none. `propensity score --features \
            FILE` writes exactly that table, with the probability score gave beside it to check a \
            port against. The inputs of a flat-table model are the table's feature columns. The \
            export's opening comment (SQL) or the fields' displayName (PMML) lists them.

            --format sql writes one query, SELECT t.*, <probability> AS probability FROM <--table> \
            AS t, that PostgreSQL and Spark SQL both run (--dialect picks the quoting of names and \
            text, log1p and timestamps); a NULL input is a missing value. --format pmml writes a \
            PMML 4.4 RegressionModel with normalizationMethod="logit" and an output field \
            `probability`.

            --format feature-sql writes the query that computes a CRM model's inputs from the CRM \
            tables named in its spec (timestamps typed as timestamps), for every open SQL as of \
            --as-of or, without it, as of the time the query runs: leads and companies columns, \
            stage-date differences and the engagement aggregates, with lead_id. Make it a view \
            named as --table and the model's query scores the pipeline in the database. Hashed \
            buckets need MurmurHash3, which the engines do not share: the query leaves them out and \
            says so.

            The output is written under a temporary name and renamed when complete.
            """
    )

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case sql, pmml
        case featureSQL = "feature-sql"
    }

    @Option(help: ArgumentHelp("The model file written by `propensity train`.", valueName: "model.json"))
    var model: String

    @Option(help: ArgumentHelp("sql, pmml, or feature-sql (a CRM model's inputs computed from its tables).",
                               valueName: "format"))
    var format: Format

    @Option(help: ArgumentHelp("For --format sql and feature-sql: postgresql or spark.", valueName: "dialect"))
    var dialect: SQLDialect = .postgresql

    @Option(help: ArgumentHelp("For --format sql: the table or view of inputs the query reads, as name or schema.name.",
                               valueName: "table"))
    var table = "features"

    @Option(help: ArgumentHelp("For --format feature-sql: the instant the features are computed as of (ISO 8601); "
                               + "default the time the query runs.", valueName: "instant"))
    var asOf: String?

    @Option(help: ArgumentHelp("The file to write; default standard output.", valueName: "file"))
    var out: String?

    func validate() throws {
        if asOf != nil && format != .featureSQL {
            throw ValidationError("--as-of is for --format feature-sql, whose features it fixes; the model itself has no instant.")
        }
        if let asOf, Timestamp.seconds(from: asOf) == nil {
            throw ValidationError("--as-of must be an ISO 8601 date or instant, such as 2025-07-01 or 2025-07-01T09:00:00Z, "
                + "not `\(asOf)`.")
        }
        let part = "[A-Za-z_][A-Za-z0-9_$]*"
        guard table.range(of: "^\(part)(\\.\(part))?$", options: .regularExpression) != nil else {
            throw ValidationError("--table takes a plain name or schema.name (letters, digits, _), not `\(table)`; "
                + "for any other name, create a view with a plain name.")
        }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let loaded = try ModelFile.read(from: url)
        let id = FNV1a64.hex(of: try Data(contentsOf: url))
        let formula = ScoringFormula(model: loaded)
        let about = "Propensity \(loaded.packageVersion) model \(url.lastPathComponent) (FNV-1a 64 \(id)), trained "
            + "\(loaded.trainedAt); P(\(loaded.input.outcomeDescription))"
        let text: String
        switch format {
        case .sql:
            text = SQLExport.query(formula, dialect: dialect, table: table,
                                   header: [about, "Written by `propensity export --format sql --dialect \(dialect.rawValue)`."])
        case .featureSQL:
            guard case .crm(let pipeline) = loaded.input else { throw FeatureSQLOfFlatModel() }
            let instant = asOf.flatMap(Timestamp.seconds(from:))
            text = try FeatureSQLExport.query(pipeline, dialect: dialect, asOf: instant, header: [
                about, "Written by `propensity export --format feature-sql --dialect \(dialect.rawValue)`.",
                "The inputs of the model's query (--format sql) for every open SQL as of "
                    + (instant.map { Timestamp.string(from: $0) } ?? "the time the query runs") + ".",
            ])
        case .pmml:
            text = PMMLExport.document(formula, modelName: url.deletingPathExtension().lastPathComponent,
                                       description: about, version: PropensityVersion.current, timestamp: loaded.trainedAt)
        }
        if let out {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
            switch format {
            case .sql, .pmml:
                print("Wrote the model as \(format == .sql ? "SQL (\(dialect.rawValue))" : "PMML 4.4") to \(out) "
                    + "(\(formula.inputs.count) inputs, \(formula.columns.count) columns).")
            case .featureSQL:
                print("Wrote the feature query (\(dialect.rawValue)) to \(out).")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

extension SQLDialect: ExpressibleByArgument {}

/// `--format feature-sql` of a model trained on a flat table, whose inputs are its columns.
struct FeatureSQLOfFlatModel: Error, CustomStringConvertible {
    let description = "--format feature-sql writes the query computing a CRM model's inputs from its tables; this model "
        + "was trained on a flat table, whose columns are its inputs already. Use --format sql."
}
