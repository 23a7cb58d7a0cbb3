import ArgumentParser
import Foundation
import Propensity
#if PostgreSQL
import PropensityPostgres
#endif

/// `propensity score`: score the open SQLs of a CRM export.
struct Score: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score the open SQLs of a CRM export with a saved model.",
        discussion: """
            Reads the tables of --data the way the model's feature spec says, computes every open \
            lead's features as of --as-of (and as of 7 days earlier, for the trend) in one pass \
            over the events, and writes one row per open lead: lead_id; probability with its 90% \
            range (probability_low, probability_high: the delta method on the logit scale, from the \
            coefficients' covariance); score (round(100 × probability)) and grade (A to D, by the \
            cut points in the model: the lowest scores that at most 10%, 30% and 60% of the \
            training leads reach are the lowest A, B and C); score_7d_ago and score_change (empty for leads that were \
            not yet SQLs then); raising_1..3 and lowering_1..3, the features that raise and lower \
            the lead's odds most, each as its value in words and its contribution to the log-odds \
            relative to the average training lead ("5 contacts engaged in the 14 days after \
            sql_at: +0.61"). A model trained with --calibration gives calibrated probabilities, \
            ranges, scores and grades; the factors stay on its log-odds.

            The file is written under a temporary name and renamed when complete: a failed run \
            leaves no partial output, and an earlier file of the same name stays as it was.

            With --write postgres://user@host:port/database (the password from PGPASSWORD or \
            ~/.pgpass, never in the URL), the scores go to the table --table in one transaction: \
            the table is created when missing (its columns are in the README), the rows of an \
            earlier run of the same model and --as-of are replaced, and a failed run leaves the \
            table as it was. An existing table with other columns or types is an error, found \
            before scoring starts. --out and --write can be given together (the database is \
            written first; when that fails, the file is not written); at least one of them or \
            --features is needed.

            --features FILE writes, per lead, lead_id, score_probability (the probability with \
            every digit) and the inputs of `propensity export`: each spec feature's raw value as \
            of --as-of (empty when missing), a hashed feature as its signed bucket columns.
            """
    )

    @OptionGroup var input: ModelAndData

    @Option(help: ArgumentHelp("The instant to score as of (ISO 8601, such as 2025-07-01 or 2025-07-01T09:00:00Z); default now.",
                               valueName: "instant"))
    var asOf: String?

    @Option(help: ArgumentHelp("The file to write the scores to.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("A PostgreSQL database to write the scores to, as postgres://user@host:port/database.",
                               valueName: "url"))
    var write: String?

    @Option(help: ArgumentHelp("The table --write fills: name or schema.name.", valueName: "table"))
    var table = "lead_scores"

    @Option(help: ArgumentHelp("csv or jsonl (JSON Lines: one object per lead, factors as arrays).", valueName: "format"))
    var format: ScoreFile.Format = .csv

    @Option(help: ArgumentHelp("Also write each lead's feature values (the inputs of `propensity export`) and the "
                               + "probability with every digit, as CSV, to this file.", valueName: "file"))
    var features: String?

    @OptionGroup var options: ScoringOptions

    func validate() throws {
        _ = try scoringInstant(asOf)
        guard out != nil || write != nil || features != nil else {
            throw ValidationError("Give --out FILE, --write postgres://user@host:port/database, --features FILE, or more than "
                + "one: where the scores go.")
        }
        if let write {
            guard isDatabaseURL(write) else {
                throw ValidationError("--write takes a PostgreSQL URL (postgres://user@host:port/database), not `\(write)`; "
                    + "to write a file, use --out.")
            }
            #if PostgreSQL
            _ = try PostgresLocation(url: write)
            #else
            throw PostgreSQLNotBuilt()
            #endif
        }
        #if PostgreSQL
        _ = try ScoreTable(name: table)
        #endif
    }

    func run() async throws {
        let reporter = options.reporter
        let loaded = try input.loadModel()
        #if PostgreSQL
        // Everything about the database is checked before the work starts.
        let database = try write.map { (location: try PostgresLocation(url: $0), table: try ScoreTable(name: table),
                                        model: try ScoreTable.ModelIdentity(modelFile: URL(fileURLWithPath: input.model),
                                                                            model: loaded)) }
        if let database {
            reporter.report("Checking \(database.table.name) at \(database.location)")
            try await database.table.check(at: database.location)
        }
        #endif
        let scorer = try options.scorer(for: loaded)
        let instant = try scoringInstant(asOf)
        let scored = try scorer.scoreOpenLeads(in: try input.source(), asOf: instant) { stage in
            reporter.report(stage)
        }
        #if PostgreSQL
        // The database first: when it fails, no file is written either.
        var written: ScoreTable.WriteSummary?
        if let database {
            reporter.report("Writing \(scored.count) scores to \(database.table.name) at \(database.location)")
            written = try await database.table.write(scored, model: database.model, to: database.location)
        }
        #endif
        if let out {
            reporter.report("Writing \(scored.count) scores to \(out)")
            try ScoreFile.write(scored, format: format, to: URL(fileURLWithPath: out), threads: scorer.threads)
            reporter.report("Wrote \(out)")
        }
        if let features {
            try FeatureValuesFile.write(scored, to: URL(fileURLWithPath: features))
        }
        let grades = Grade.allCases.map { grade in
            "\(grade.rawValue) \((0..<scored.count).filter { scored.scores.grade($0) == grade }.count)"
        }
        print("Scored \(scored.count) open leads as of \(Timestamp.string(from: scored.asOf)) "
            + "(grades: \(grades.joined(separator: ", "))), with \(scored.eventCount) events.")
        if scored.notYetSQLs > 0 {
            print("Left out \(scored.notYetSQLs) open leads whose SQL date is after \(Timestamp.string(from: scored.asOf)).")
        }
        for line in scored.skipped.lines { print("Skipped: \(line)") }
        staleDataWarning(latestEvent: scored.latestEventTime, asOf: scored.asOf)
        if let out { print("Scores written to \(out)") }
        if let features { print("Feature values written to \(features)") }
        #if PostgreSQL
        if let written, let database {
            let replaced = written.replaced > 0 ? ", replacing \(written.replaced) of an earlier run" : ""
            print("Scores written to \(database.table.name) at \(database.location) (\(written.written) rows\(replaced)"
                + "\(written.created ? "; table created" : "")).")
        }
        #endif
    }
}

extension ScoreFile.Format: ExpressibleByArgument {}

/// `--as-of`, read: the instant it names, or now.
func scoringInstant(_ text: String?) throws -> Date {
    guard let text else { return Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }
    guard let seconds = Timestamp.seconds(from: text) else {
        throw ValidationError("--as-of must be an ISO 8601 date or instant, such as 2025-07-01 or 2025-07-01T09:00:00Z, not `\(text)`.")
    }
    return Date(timeIntervalSince1970: seconds)
}

/// Warns on standard error when the newest event is long before the scoring instant: engagement
/// features would then read as decayed for every lead.
func staleDataWarning(latestEvent: Double, asOf: Double) {
    guard latestEvent.isFinite else { return }
    let days = (asOf - latestEvent) / Timestamp.secondsPerDay
    guard days > 30 else { return }
    let message = "Warning: the newest event is from \(Timestamp.string(from: latestEvent)), \(Int(days)) days before the "
        + "scoring instant, so every lead's recent engagement reads as none. If the export is older, score as of its date "
        + "with --as-of.\n"
    FileHandle.standardError.write(Data(message.utf8))
}

extension ProgressReporter {
    /// Reports a scoring stage.
    func report(_ stage: CRMScorer.Stage) {
        switch stage {
        case .readingTables: report("Reading the leads, companies and contacts")
        case .readingEvents(let count): report("Read \(count) events")
        case .scoring(let leads): report("Scoring \(leads) leads")
        }
    }
}
