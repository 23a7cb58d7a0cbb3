import ArgumentParser
import Foundation
import Propensity

/// `propensity explain`: every feature's value and contribution for one lead.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every feature's value and contribution for one lead.",
        discussion: """
            Computes the lead's features (a closed lead as of its training cut-off, an open one as \
            of --as-of) and splits its log-odds into the baseline, the log-odds of the average \
            training lead, plus one contribution per feature: the sum over the feature's model \
            columns of coefficient × (value − training mean). Features are listed by the size of \
            their contribution, with their values in words and, below each, its model columns.

            With --json, prints the same as one JSON object.
            """
    )

    @OptionGroup var input: ModelAndData

    @Option(help: ArgumentHelp("The lead's id, as in the leads table.", valueName: "id"))
    var lead: String

    @Option(help: ArgumentHelp("For an open lead, the instant to explain as of (ISO 8601); default now.", valueName: "instant"))
    var asOf: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var options: ScoringOptions

    func validate() throws {
        _ = try scoringInstant(asOf)
    }

    func run() throws {
        let loaded = try input.loadModel()
        let scorer = try options.scorer(for: loaded)
        let reporter = options.reporter
        let explanation = try scorer.explain(leadID: lead, in: try input.source(), asOf: try scoringInstant(asOf)) {
            reporter.report($0)
        }
        if json {
            try printJSON(explanation)
            return
        }
        let e = explanation
        print("Lead \(e.leadID) (\(e.outcome)), as of \(e.asOf)")
        let range = e.probabilityLow.flatMap { low in e.probabilityHigh.map { String(format: "90%% range %.4f to %.4f", low, $0) } }
            ?? "no range: the model has no covariance"
        print(String(format: "Probability %.4f (", e.probability) + range + String(format: "), score %d, grade ", e.score)
            + e.grade.rawValue)
        if let method = e.calibration, let own = e.modelProbability {
            print("Calibrated (\(method.rawValue)) from the model's own probability " + String(format: "%.4f", own)
                + "; the log-odds below are the model's")
        }
        print(String(format: "Log-odds %+.4f = baseline %+.4f (the average training lead) + the contributions below",
                     e.logOdds, e.baseline))
        print("")
        for feature in e.features.sorted(by: { abs($0.contribution) > abs($1.contribution) }) {
            let words = feature.words.hasPrefix(feature.name) ? feature.words : "\(feature.name): \(feature.words)"
            print(String(format: "%+8.4f  ", feature.contribution) + words)
            // One line per column the lead has; the columns at 0 (other levels) in one line.
            let zero = feature.columns.filter { $0.value == 0 && $0.center != 0 }
            for column in feature.columns where !(column.value == 0 && column.center != 0) && feature.columns.count > 1
                || feature.columns.count == 1 {
                print("          \(column.name) = " + String(format: "%.6g (mean %.6g) × coefficient %.6g = %+.4f", column.value,
                                                             column.center, column.coefficient, column.contribution))
            }
            if !zero.isEmpty && feature.columns.count > 1 {
                print("          \(zero.count) other column\(zero.count == 1 ? "" : "s") at 0 (mean > 0): "
                    + String(format: "%+.4f", zero.reduce(0) { $0 + $1.contribution }))
            }
        }
    }
}
