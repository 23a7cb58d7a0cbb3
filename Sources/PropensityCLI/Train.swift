import ArgumentParser
import Foundation
import Propensity

/// `propensity train`: fit a model to a flat CSV table.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a logistic regression to a flat CSV table and save the model.",
        discussion: """
            Every column other than the label, the weight and those excluded is a feature: a column whose \
            values are mostly numbers is numeric (every value must then be a finite number); \
            any other column is categorical, one-hot encoded with its most frequent level as \
            the reference. The fit summary is printed; the model file is written atomically, \
            and not at all if anything fails.
            """
    )

    @Option(help: ArgumentHelp("The flat table to train on (CSV with a header row).", valueName: "file.csv"))
    var data: String

    @Option(help: ArgumentHelp("The column holding the outcome: 0/1, true/false, or text with --positive.", valueName: "column"))
    var label: String

    @Option(help: ArgumentHelp("The label value that marks a win; every other value is a loss.", valueName: "value"))
    var positive: String?

    @Option(help: ArgumentHelp("A column of non-negative sample weights.", valueName: "column"))
    var weight: String?

    @Option(name: .customLong("l2"), help: ArgumentHelp("The L2 penalty strength λ ≥ 0 (λ = 1/C in scikit-learn).", valueName: "lambda"))
    var l2: Double = 0

    @Flag(name: .customLong("standardize"), inversion: .prefixedNo,
          help: "Penalize coefficients of columns scaled to unit standard deviation; --no-standardize penalizes raw coefficients.")
    var standardize = true

    @Option(help: ArgumentHelp("Read this column as categorical even if it holds numbers (repeatable).", valueName: "column"))
    var categorical: [String] = []

    @Option(help: ArgumentHelp("Leave this column out of the features, such as an id or a column that leaks the outcome (repeatable).",
                               valueName: "column"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("Where to write the model (JSON).", valueName: "model.json"))
    var out: String

    @Flag(help: "Report progress on standard error even when it is not a terminal.")
    var progress = false

    @OptionGroup var performance: PerformanceOptions

    func validate() throws {
        guard l2.isFinite && l2 >= 0 else {
            throw ValidationError("--l2 must be a finite number ≥ 0, not \(l2).")
        }
    }

    func run() throws {
        performance.apply()
        let reporter = ProgressReporter(forced: progress)
        let url = URL(fileURLWithPath: data)
        reporter.report("Reading \(data)")
        let table = try FlatTable(contentsOf: url, categorical: Set(categorical))
        let set = try LabelledFlatTable(table, label: label, positive: positive, weight: weight, excluding: Set(exclude))
        let trainingData = try TrainingData(features: set.features, labels: set.labels, weights: set.weights,
                                            featureNames: set.encoding.featureNames)
        reporter.report("Read \(table.rowCount) rows; fitting \(set.features.columns) features")
        let fit = try LogisticRegression(l2: l2, standardize: standardize).fit(trainingData, threads: performance.threadCount) { step in
            reporter.report(String(format: "Newton iteration %d: objective %.10g, max |gradient| %.2e, step %g",
                                   step.iteration, step.value, step.maxAbsGradient, step.stepSize))
        }
        let metrics = ClassificationMetrics(probabilities: fit.probabilities(set.features), labels: set.labels, weights: set.weights)
        let model = PropensityModel(
            label: LabelDefinition(column: label, positive: positive), weightColumn: weight,
            encoding: set.encoding, fit: fit, trainingMetrics: metrics,
            trainingData: try DataFingerprint(file: url, rows: table.rowCount, positives: set.labels.reduce(0) { $0 + Int($1) }))
        try ModelFile.write(model, to: URL(fileURLWithPath: out))
        print(ModelSummary.text(model), terminator: "")
        print("Model written to \(out)")
    }
}
