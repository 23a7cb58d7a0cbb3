import ArgumentParser
import Foundation
import Propensity

/// `propensity evaluate`: a model's metrics on labelled data.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a saved model on the closed leads of a CRM export.",
        discussion: """
            Scores every closed (won or lost) lead of --data as of its training cut-off, exactly as \
            training saw leads, and prints AUC, log-loss, Brier score, the expected calibration \
            error, a calibration table (deciles of the predicted probability: mean predicted \
            against observed win rate) and lift by decile. Use it on data the model has not seen, \
            such as a later quarter's export. A model trained with --calibration is measured on its \
            calibrated probabilities.

            With --json, prints the same as one JSON object: rows, wins, closedFrom, closedTo, \
            metrics (auc, logLoss, brier, count), calibration, lift and roc (the ROC curve's points, \
            at most 200).
            """
    )

    @OptionGroup var input: ModelAndData

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    @OptionGroup var options: ScoringOptions

    func run() throws {
        let reporter = options.reporter
        let loaded = try input.loadModel()
        let scorer = try options.scorer(for: loaded)
        let source = try input.source()
        let evaluation = try scorer.evaluate(source) { reporter.report($0) }
        guard evaluation.rows > 0 else {
            throw ValidationError("\(input.data) has no closed (won or lost) leads to evaluate on.")
        }
        if case .crm(let pipeline) = loaded.input,
           let leads = try? DataFingerprint(pipeline.spec.tables.leadsReference, in: source, rows: 0, positives: 0),
           leads.fnv1a64 == loaded.trainingData.fnv1a64 {
            let note = "Note: this is the leads file the model was trained on, so these figures include its training leads; "
                + "the held-out validation in `propensity inspect` is the fair measure.\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        if json {
            try printJSON(evaluation)
        } else {
            let calibrated = loaded.calibration.map { " (probabilities calibrated: \($0.calibrator.method.rawValue))" } ?? ""
            print(ModelSummary.text(evaluation, of: "\(input.model)\(calibrated) on the closed leads of \(input.data)"), terminator: "")
        }
    }
}
