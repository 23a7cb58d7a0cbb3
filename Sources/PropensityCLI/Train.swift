import ArgumentParser
import Foundation
import Propensity

/// `propensity train`: fit a model to a flat CSV table.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a logistic regression to a CRM export or a flat CSV table and save the model.",
        discussion: """
            With --spec, --data is a folder of CRM tables (leads, companies, contacts, events) and the \
            feature spec says how to read them: which outcomes are won and lost, the cut-off of each \
            lead, and the features, each computed from data strictly before the cut-off. The model \
            is fitted on the closed leads and keeps the spec, so scoring reads data the same way.

            Without --spec, --data is one CSV table and --label names its outcome column. Every \
            column other than the label, the weight and those excluded is a feature: a column whose \
            values are mostly numbers is numeric (every value must then be a finite number); \
            any other column is categorical, one-hot encoded with its most frequent level as \
            the reference.

            The fit summary is printed; the model file is written atomically, and not at all if \
            anything fails.
            """
    )

    @Option(help: ArgumentHelp("The feature spec (YAML or JSON) that maps a CRM export's tables and defines the label, cut-off and features.",
                               valueName: "spec.yaml"))
    var spec: String?

    @Option(help: ArgumentHelp("With --spec, the folder of CRM tables; without, the flat table (CSV with a header row).",
                               valueName: "path"))
    var data: String

    @Flag(help: "With --spec, skip rows with unreadable values or unknown ids and count them, instead of stopping at the first.")
    var skipInvalidRows = false

    @Option(name: .customLong("leak-auc"),
            help: ArgumentHelp("With --spec, report a feature column whose AUC on its own reaches this as a likely leak.",
                               valueName: "auc"))
    var leakAUC = 0.9

    @Option(help: ArgumentHelp("Flat tables: the column holding the outcome: 0/1, true/false, or text with --positive.",
                               valueName: "column"))
    var label: String?

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
        guard leakAUC >= 0.5 && leakAUC <= 1 else {
            throw ValidationError("--leak-auc must be between 0.5 and 1, not \(leakAUC).")
        }
        if spec != nil {
            let flatOnly = [("--label", label != nil), ("--positive", positive != nil), ("--weight", weight != nil),
                            ("--categorical", !categorical.isEmpty), ("--exclude", !exclude.isEmpty)]
            if let (option, _) = flatOnly.first(where: \.1) {
                throw ValidationError("\(option) is for flat tables; with --spec, the spec defines the label and the features.")
            }
        } else {
            guard label != nil else {
                throw ValidationError("Name the outcome column with --label, or give a feature spec with --spec to train on a CRM export.")
            }
            guard !skipInvalidRows else { throw ValidationError("--skip-invalid-rows works with --spec only.") }
        }
    }

    func run() throws {
        performance.apply()
        let reporter = ProgressReporter(forced: progress)
        if let spec {
            try trainOnCRM(specPath: spec, reporter: reporter)
            return
        }
        let label = label!
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

    func trainOnCRM(specPath: String, reporter: ProgressReporter) throws {
        let spec = try FeatureSpec(contentsOf: URL(fileURLWithPath: specPath))
        let trainer = CRMTrainer(regression: LogisticRegression(l2: l2, standardize: standardize),
                                 threads: performance.threadCount, skipInvalidRows: skipInvalidRows,
                                 leakageAUCThreshold: leakAUC)
        let result = try trainer.train(spec: spec, directory: URL(fileURLWithPath: data)) { stage in
            switch stage {
            case .readingTables:
                reporter.report("Reading the leads, companies and contacts of \(data)")
            case .readingEvents(let count):
                reporter.report("Read \(count) events")
            case .fitting(let features, let rows):
                reporter.report("Fitting \(features) feature columns on \(rows) closed leads")
            case .newtonStep(let step):
                reporter.report(String(format: "Newton iteration %d: objective %.10g, max |gradient| %.2e, step %g",
                                       step.iteration, step.value, step.maxAbsGradient, step.stepSize))
            }
        }
        try ModelFile.write(result.model, to: URL(fileURLWithPath: out))
        print(ModelSummary.text(result.model), terminator: "")
        print("Trained on \(result.trainingRows.count) closed of \(result.leadCount) leads, with \(result.eventCount) events.")
        for line in result.skipped.lines { print("Skipped: \(line)") }
        if !result.leakage.warnings.isEmpty {
            print("Possible leaks, most suspicious first:")
            for warning in result.leakage.warnings { print("  - \(warning)") }
        }
        print("Model written to \(out)")
    }
}
