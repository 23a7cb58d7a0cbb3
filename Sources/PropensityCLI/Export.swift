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
            text, and log1p); a NULL input is a missing value. --format pmml writes a PMML 4.4 \
            RegressionModel with normalizationMethod="logit" and an output field `probability`.

            The output is written under a temporary name and renamed when complete.
            """
    )

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case sql, pmml
    }

    @Option(help: ArgumentHelp("The model file written by `propensity train`.", valueName: "model.json"))
    var model: String

    @Option(help: ArgumentHelp("sql or pmml.", valueName: "format"))
    var format: Format

    @Option(help: ArgumentHelp("For --format sql: postgresql or spark.", valueName: "dialect"))
    var dialect: SQLDialect = .postgresql

    @Option(help: ArgumentHelp("For --format sql: the table or view of inputs the query reads, as name or schema.name.",
                               valueName: "table"))
    var table = "features"

    @Option(help: ArgumentHelp("The file to write; default standard output.", valueName: "file"))
    var out: String?

    func validate() throws {
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
        case .pmml:
            text = PMMLExport.document(formula, modelName: url.deletingPathExtension().lastPathComponent,
                                       description: about, version: PropensityVersion.current, timestamp: loaded.trainedAt)
        }
        if let out {
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
            print("Wrote the model as \(format == .sql ? "SQL (\(dialect.rawValue))" : "PMML 4.4") to \(out) "
                + "(\(formula.inputs.count) inputs, \(formula.columns.count) columns).")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

extension SQLDialect: ExpressibleByArgument {}
