import ArgumentParser
import Foundation
import Propensity

/// `propensity report`: one self-contained HTML file about a model and its open pipeline.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report on a model and the open pipeline it scores.",
        discussion: """
            One HTML file with everything inline (styles, and charts as SVG; no scripts), which \
            opens offline: its Content-Security-Policy forbids loading anything. Sections: the \
            model card (data, dates, cut-off, validation metrics, penalty, grades); the \
            coefficients with 95% confidence intervals, as a forest plot on the log-odds scale and \
            a table; on the held-out leads, the ROC curve, the calibration plot (predicted against \
            observed win rate by decile) and lift by decile; and the open leads of --data scored as \
            of --as-of: the distribution of their scores coloured by grade, leads per grade, and the \
            leads most likely to close; the forecast of that pipeline's wins and revenue by lead \
            source, with P10–P90 ranges and a backtest on a past quarter, as `propensity forecast` \
            gives it; and the lead sources on the closed leads of --data, as \
            `propensity analyze` with its defaults finds them: win rates with 95% Wilson intervals, \
            revenue and cost, observed against predicted wins on the leads the model was not fitted \
            on, and the rep × source cells flagged after Benjamini–Hochberg adjustment (left out, \
            with a note, when the spec maps no source).

            A model trained with --holdout 0 has no validation: the report says so in place of the \
            ROC, calibration and lift charts. A model trained on a flat table cannot score a CRM \
            export and is refused. The file is written under a temporary name and renamed when \
            complete.
            """
    )

    @OptionGroup var input: ModelAndData

    @Option(help: ArgumentHelp("The instant to score the open leads as of (ISO 8601, such as 2025-07-01); default now.",
                               valueName: "instant"))
    var asOf: String?

    @Option(help: ArgumentHelp("Where to write the report.", valueName: "report.html"))
    var out: String

    @OptionGroup var options: ScoringOptions

    func validate() throws {
        _ = try scoringInstant(asOf)
    }

    func run() throws {
        let reporter = options.reporter
        let loaded = try input.loadModel()
        if case .flatTable = loaded.input { throw ReportError.flatTableModel(path: input.model) }
        let scorer = try options.scorer(for: loaded)
        reporter.report(.readingTables)
        let data = try scorer.readData(try input.source())
        let scored = try scorer.scoreOpenLeads(of: data, asOf: try scoringInstant(asOf)) { reporter.report($0) }
        var document = ReportDocument.propensityReport(model: loaded, modelFile: input.model, dataDirectory: input.data,
                                                       scored: scored)
        var notes: [String] = []
        let spec = scorer.pipeline.spec
        let groupings = spec.tables.leads.source != nil ? [try ForecastGrouping(parsing: "source", spec: spec)] : []
        let forecast = try PipelineForecaster(scorer: scorer).forecast(of: data, asOf: try scoringInstant(asOf),
                                                                       groupings: groupings)
        document.insert(.forecast(forecast), after: "pipeline")
        do {
            let analysis = try SourceAnalysis(data: data, scorer: scorer) { reporter.report($0) }
            document.insert(.sources(analysis), after: "forecast")
        } catch AnalysisError.noSourceColumn {
            notes.append("the model's spec maps no `tables.leads.source`, so the report has no source table")
        } catch AnalysisError.noClosedLeads {
            notes.append("\(input.data) holds no closed leads, so the report has no source table")
        }
        reporter.report("Writing the report to \(out)")
        try AtomicFile.write(document.data, to: URL(fileURLWithPath: out))
        if loaded.validation == nil {
            print("Note: \(input.model) was trained with --holdout 0, so the report has no ROC curve, calibration or lift "
                + "(nothing was held out to validate on).")
        } else if loaded.validation?.roc == nil, loaded.validation?.metrics != nil {
            print("Note: \(input.model) was written before models recorded their ROC curve; retrain it to include one.")
        }
        for note in notes { print("Note: \(note).") }
        for line in scored.skipped.lines { print("Skipped: \(line)") }
        staleDataWarning(latestEvent: scored.latestEventTime, asOf: scored.asOf)
        print("Report on \(document.sections.count) sections (\(document.sections.map(\.title).joined(separator: ", "))), "
            + "with \(scored.count) open leads as of \(Timestamp.string(from: scored.asOf)), written to \(out)")
    }
}

/// Why a report cannot be written.
enum ReportError: Error, Equatable, CustomStringConvertible {
    /// The model was trained on a flat table: it cannot score the open leads of a CRM export.
    case flatTableModel(path: String)

    var description: String {
        switch self {
        case .flatTableModel(let path):
            return "\(path) was trained on a flat table, which cannot score the open leads of a CRM export. Train a model "
                + "with --spec on a CRM export for a report; `propensity inspect \(path)` prints this model's card and "
                + "coefficients."
        }
    }
}
