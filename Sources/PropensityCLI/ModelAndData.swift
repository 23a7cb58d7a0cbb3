import ArgumentParser
import Foundation
import Propensity
#if PostgreSQL
import PropensityPostgres
#endif

/// The options of the commands that apply a saved model to a CRM export.
struct ModelAndData: ParsableArguments {
    @Option(help: ArgumentHelp("The model file written by `propensity train --spec`.", valueName: "model.json"))
    var model: String

    @Option(help: ArgumentHelp("The folder of CRM tables, named as in the model's spec, or a PostgreSQL database holding them "
                               + "(postgres://user@host:port/database).", valueName: "dir|url"))
    var data: String

    /// The model, read and checked.
    func loadModel() throws -> PropensityModel {
        try ModelFile.read(from: URL(fileURLWithPath: model))
    }

    /// The tables of --data.
    func source() throws -> any CRMTableSource { try crmSource(data) }
}

/// The tables a `--data` value names: a folder of CSV files, or a PostgreSQL database when it
/// is a `postgres://` URL (the password from PGPASSWORD or ~/.pgpass).
func crmSource(_ data: String) throws -> any CRMTableSource {
    if isDatabaseURL(data) {
        #if PostgreSQL
        return PostgresCRMSource(location: try PostgresLocation(url: data))
        #else
        throw PostgreSQLNotBuilt()
        #endif
    }
    return CRMFolder(URL(fileURLWithPath: data))
}

/// The options of the commands that score leads: bad rows, progress and threads.
struct ScoringOptions: ParsableArguments {
    @Flag(help: "Skip rows with unreadable values or unknown ids and count them, instead of stopping at the first.")
    var skipInvalidRows = false

    @Flag(help: "Report progress on standard error even when it is not a terminal.")
    var progress = false

    @OptionGroup var performance: PerformanceOptions

    /// A scorer for `model` with these options; sets BLAS to one thread (see `PerformanceOptions`).
    func scorer(for model: PropensityModel) throws -> CRMScorer {
        performance.apply()
        return try CRMScorer(model: model, threads: performance.threadCount, skipInvalidRows: skipInvalidRows)
    }

    /// Progress lines, shown on a terminal or with --progress.
    var reporter: ProgressReporter { ProgressReporter(forced: progress) }
}

/// Prints `value` as pretty-printed JSON with sorted keys, as the `--json` options do.
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data([0x0A]))
}
