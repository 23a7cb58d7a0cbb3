import ArgumentParser
import Foundation
import Propensity
import Synchronization

/// `propensity train`: fit a model to a flat CSV table.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a logistic regression to a CRM export or a flat CSV table and save the model.",
        discussion: """
            With --spec, --data is a folder of CRM tables (leads, companies, contacts, events) and the \
            feature spec says how to read them: which outcomes are won and lost, the cut-off of each \
            lead, and the features, each computed from data strictly before the cut-off. The closed \
            leads most recently closed (--holdout, 20%) are held out, the model is fitted on the \
            older ones, and the held-out leads validate it: AUC, log-loss, Brier score, \
            calibration and lift by decile. The model keeps the spec, so scoring reads data the \
            same way. Training is refused below --min-class-count won or lost leads.

            With --calibration platt or isotonic, a calibrator fitted on the held-out leads' \
            predictions is stored in the model and applied to every probability it gives (score, \
            evaluate, explain, report); its effect is measured on the held-out leads by \
            cross-fitting their earlier and later halves.

            Without --spec, --data is one CSV table and --label names its outcome column. Every \
            column other than the label, the weight and those excluded is a feature: a column whose \
            values are mostly numbers is numeric (every value must then be a finite number); \
            any other column is categorical, one-hot encoded with its most frequent level as \
            the reference.

            A flat table larger than memory trains with --row-cache FILE: the table is read in \
            batches, encoded, and written once to FILE (a chunked binary file, kept afterwards), \
            and every pass of the fit streams it, so the fit holds a chunk per thread and the \
            d×d Hessian whatever the row count. The model is the one the table would give in \
            memory. The training metrics and grades take one more pass; the exact AUC sorts the \
            probabilities in runs written beside FILE (24 bytes a row, removed at the end).

            The penalty is L2 (--l2) by default. --penalty elasticnet mixes L1 and L2 \
            (--alpha, --lambda): the L1 part sets coefficients of columns that do not earn their \
            place to exactly zero, and the summary lists them as dropped. --lambda auto fits a \
            path of penalties from the one that drops every column down, warm-started, in each \
            time-ordered fold, and keeps the penalty with the lowest held-out log-loss (--one-se: \
            the largest within one standard error of it).

            Above --hessian-free-width feature columns (1000; hashed or one-hot features can make \
            tens of thousands), the fit never forms the Hessian: it runs L-BFGS (OWL-QN for the \
            elastic net) on the same objective to the same tolerance, and the model has no \
            covariance, so no standard errors and no score ranges. Such a fit needs a penalty.

            The fit summary is printed; the model file is written atomically, and not at all if \
            anything fails.
            """
    )

    @Option(help: ArgumentHelp("The feature spec (YAML or JSON) that maps a CRM export's tables and defines the label, cut-off and features.",
                               valueName: "spec.yaml"))
    var spec: String?

    @Option(help: ArgumentHelp("With --spec, the folder of CRM tables or a PostgreSQL database holding them "
                               + "(postgres://user@host:port/database); without, the flat table (CSV with a header row).",
                               valueName: "path|url"))
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

    @Option(name: .customLong("l2"),
            help: ArgumentHelp("The L2 penalty strength λ ≥ 0 (λ = 1/C in scikit-learn; default 0), or `auto` (with --spec) to pick it from 0.01 … 1000 by time-ordered cross-validation on the training part.",
                               valueName: "lambda|auto"))
    var l2Argument: String?

    /// `--l2`, read; `validate()` has checked it.
    var l2: Penalty { Penalty(argument: l2Argument ?? "0")! }

    @Option(help: ArgumentHelp("`l2` (the default, strength --l2) or `elasticnet`: λ·(α‖β‖₁ + (1−α)/2·‖β‖²) with --alpha and --lambda; the L1 part drops coefficients to exactly zero.",
                               valueName: "l2|elasticnet"))
    var penalty: PenaltyKind = .l2

    @Option(help: ArgumentHelp("With --penalty elasticnet, the L1 share α of the penalty, 0 … 1 (l1_ratio in scikit-learn; 1 is the lasso).",
                               valueName: "alpha"))
    var alpha: Double?

    @Option(name: .customLong("lambda"),
            help: ArgumentHelp("With --penalty elasticnet, the penalty strength λ ≥ 0 (1/C in scikit-learn), or `auto` (with --spec) to pick it on a path of --path-length penalties from λ_max down by time-ordered cross-validation.",
                               valueName: "lambda|auto"))
    var lambdaArgument: String?

    /// `--lambda`, read; `validate()` has checked it.
    var lambda: Penalty { Penalty(argument: lambdaArgument ?? "0")! }

    @Flag(name: .customLong("one-se"),
          help: "With --l2 auto or --lambda auto, pick the largest penalty whose cross-validated log-loss is within one standard error of the best, instead of the best.")
    var oneStandardError = false

    @Option(help: ArgumentHelp("With --lambda auto, the number of penalties on the path, from λ_max down to λ_max/1000.", valueName: "n"))
    var pathLength = 100

    @Option(help: ArgumentHelp("Above this many feature columns, fit with L-BFGS from gradients alone, without the Hessian: no standard errors or score ranges.",
                               valueName: "n"))
    var hessianFreeWidth = LogisticRegression.defaultHessianFreeWidth

    @Option(help: ArgumentHelp("On many rows, first fit a sample of at most this many rows (and an eighth of them at most), then step from there; 0 fits on all rows from the start, as the Spark driver does.",
                               valueName: "n"))
    var hessianSampleRows = LogisticRegression().hessianSampleRows

    @Option(help: ArgumentHelp("With --spec, the share of closed leads, most recently closed, held out of the fit to validate on (0 fits on all).",
                               valueName: "fraction"))
    var holdout = 0.2

    @Option(help: ArgumentHelp("With --spec, calibrate the probabilities on the held-out leads: none, platt (Platt scaling of the log-odds) or isotonic (isotonic regression).",
                               valueName: "method"))
    var calibration: CalibrationOption = .none

    @Option(help: ArgumentHelp("With --spec, refuse to train with fewer won, or fewer lost, closed leads than this.", valueName: "n"))
    var minClassCount = 40

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

    @Option(help: ArgumentHelp("Flat tables: write the encoded rows to this chunked binary file and fit by streaming it, for tables larger than memory.",
                               valueName: "file"))
    var rowCache: String?

    @Flag(help: "With --row-cache, store the features as float32: half the bytes, each value rounded to 24 significant bits.")
    var rowCacheFloat32 = false

    @Option(help: ArgumentHelp("With --row-cache, rows per chunk (default: about 8 MiB of features).", valueName: "n"))
    var rowCacheChunkRows: Int?

    @Flag(help: "Report progress on standard error even when it is not a terminal.")
    var progress = false

    @OptionGroup var performance: PerformanceOptions

    func validate() throws {
        if spec == nil && isDatabaseURL(data) {
            throw ValidationError("A database is read through a feature spec: add --spec SPEC.yaml, "
                + "whose `tables` name its tables. Without --spec, --data is one CSV file.")
        }
        if let l2Argument, Penalty(argument: l2Argument) == nil {
            throw ValidationError("--l2 must be a finite number ≥ 0 or `auto`, not \(l2Argument).")
        }
        switch penalty {
        case .l2:
            if alpha != nil || lambdaArgument != nil {
                throw ValidationError("--alpha and --lambda are for --penalty elasticnet; the L2 penalty's strength is --l2.")
            }
        case .elasticNet:
            guard l2Argument == nil else {
                throw ValidationError("--l2 is for --penalty l2; with --penalty elasticnet, give the strength as --lambda and the L1 share as --alpha.")
            }
            guard let alpha else {
                throw ValidationError("--penalty elasticnet needs --alpha, the L1 share of the penalty from 0 (ridge) to 1 (lasso).")
            }
            guard alpha >= 0 && alpha <= 1 else { throw ValidationError("--alpha must be between 0 and 1, not \(alpha).") }
            guard let lambdaArgument else {
                throw ValidationError("--penalty elasticnet needs --lambda: a strength λ ≥ 0, or `auto` (with --spec) to cross-validate it.")
            }
            guard Penalty(argument: lambdaArgument) != nil else {
                throw ValidationError("--lambda must be a finite number ≥ 0 or `auto`, not \(lambdaArgument).")
            }
        }
        if oneStandardError && !auto {
            throw ValidationError("--one-se chooses among cross-validated penalties: use it with --l2 auto or --lambda auto.")
        }
        guard hessianFreeWidth >= 0 else {
            throw ValidationError("--hessian-free-width must be at least 0, not \(hessianFreeWidth).")
        }
        guard hessianSampleRows >= 0 else {
            throw ValidationError("--hessian-sample-rows must be at least 0, not \(hessianSampleRows).")
        }
        guard pathLength >= 2 else { throw ValidationError("--path-length must be at least 2, not \(pathLength).") }
        guard holdout >= 0 && holdout < 1 else {
            throw ValidationError("--holdout must be at least 0 and below 1, not \(holdout).")
        }
        guard minClassCount >= 1 else { throw ValidationError("--min-class-count must be at least 1.") }
        guard leakAUC >= 0.5 && leakAUC <= 1 else {
            throw ValidationError("--leak-auc must be between 0.5 and 1, not \(leakAUC).")
        }
        if rowCache == nil && (rowCacheFloat32 || rowCacheChunkRows != nil) {
            throw ValidationError("--row-cache-float32 and --row-cache-chunk-rows describe the row cache: add --row-cache FILE.")
        }
        if let rowCacheChunkRows, rowCacheChunkRows < 1 {
            throw ValidationError("--row-cache-chunk-rows must be at least 1, not \(rowCacheChunkRows).")
        }
        var isFolder: ObjCBool = false
        if let rowCache, FileManager.default.fileExists(atPath: rowCache, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("--row-cache \(rowCache) is a folder; name the file to write the rows to, such as "
                + "\(URL(fileURLWithPath: rowCache).appendingPathComponent("rows.cache").path).")
        }
        if spec != nil {
            let flatOnly = [("--label", label != nil), ("--positive", positive != nil), ("--weight", weight != nil),
                            ("--categorical", !categorical.isEmpty), ("--exclude", !exclude.isEmpty), ("--row-cache", rowCache != nil)]
            if let (option, _) = flatOnly.first(where: \.1) {
                throw ValidationError("\(option) is for flat tables; with --spec, the spec defines the label and the features.")
            }
            if calibration != .none && holdout == 0 {
                throw ValidationError("--calibration \(calibration.rawValue) is fitted on the held-out leads, and --holdout 0 holds "
                    + "none out. Keep a holdout (the default is 0.2), or train without --calibration.")
            }
        } else {
            guard label != nil else {
                throw ValidationError("Name the outcome column with --label, or give a feature spec with --spec to train on a CRM export.")
            }
            guard !skipInvalidRows else { throw ValidationError("--skip-invalid-rows works with --spec only.") }
            guard !auto else {
                let option = penalty == .l2 ? "--l2" : "--lambda"
                throw ValidationError("\(option) auto needs --spec: it cross-validates in time order, which a flat table does not have.")
            }
            guard calibration == .none else {
                throw ValidationError("--calibration needs --spec: it is fitted on the most recently closed leads, held out, "
                    + "which a flat table does not have.")
            }
        }
    }

    func run() throws {
        performance.apply()
        let reporter = ProgressReporter(forced: progress)
        if let spec {
            try trainOnCRM(specPath: spec, reporter: reporter)
            return
        }
        if let rowCache {
            try trainStreaming(through: rowCache, reporter: reporter)
            return
        }
        let url = URL(fileURLWithPath: data)
        reporter.report("Reading \(data)")
        let table = try FlatTable(contentsOf: url, categorical: Set(categorical))
        let set = try LabelledFlatTable(table, label: label!, positive: positive, weight: weight, excluding: Set(exclude))
        let trainingData = try TrainingData(features: set.features, labels: set.labels, weights: set.weights,
                                            featureNames: set.encoding.featureNames)
        reporter.report("Read \(table.rowCount) rows; fitting \(set.features.columns) features")
        let fit = try regression.fit(trainingData, threads: performance.threadCount) { step in
            reporter.report(stepText(step, features: trainingData.featureCount))
        }
        let probabilities = fit.probabilities(set.features)
        try writeFlatModel(fit: fit, encoding: set.encoding,
                           metrics: ClassificationMetrics(probabilities: probabilities, labels: set.labels, weights: set.weights),
                           grades: GradeScale(fitting: probabilities), rows: set.labels.count,
                           positives: set.labels.reduce(0) { $0 + Int($1) })
    }

    /// Trains on a flat table larger than memory: the encoded rows go to the row cache, and
    /// every pass of the fit streams it.
    func trainStreaming(through path: String, reporter: ProgressReporter) throws {
        reporter.report("Reading \(data) to type its columns and learn their levels")
        let file = try LabelledFlatTableFile(contentsOf: URL(fileURLWithPath: data), label: label!, positive: positive,
                                             weight: weight, categorical: Set(categorical),
                                             excluding: Set(exclude)) { reading, rows in
            reporter.report("Read \(rows) rows " + (reading == 1 ? "to type the columns" : "to learn the levels and check the labels"))
        }
        let names = file.encoding.featureNames
        let cacheURL = URL(fileURLWithPath: path)
        let writer = try RowCacheWriter(cacheURL, featureNames: names, chunkRows: rowCacheChunkRows,
                                        float32: rowCacheFloat32, weights: weight != nil)
        let total = file.table.rowCount
        try file.forEachBatch(rows: writer.chunkRows) { batch in
            let before = writer.rowCount
            try writer.append(features: batch.features, labels: batch.labels, weights: batch.weights)
            if writer.rowCount * 10 / total > before * 10 / total {   // a line per tenth of the rows
                reporter.report("Wrote \(writer.rowCount) of \(total) rows to \(path)")
            }
        }
        try writer.finish()
        let cache = try RowCache(contentsOf: cacheURL)
        reporter.report("Fitting \(names.count) features on \(cache.rowCount) rows, streaming \(path)")
        let fit = try regression.fit(cache, featureNames: names, threads: performance.threadCount) { step in
            reporter.report(stepText(step, features: names.count))
        }
        // One more pass for the training metrics and grades. The exact AUC sorts every
        // probability: in runs written beside the cache and merged, so memory stays bounded.
        reporter.report("Scoring the \(cache.rowCount) rows for the training metrics")
        let metrics = ClassificationMetricsAccumulator(spillingTo: cacheURL.deletingLastPathComponent())
        var scoreCounts = [Int](repeating: 0, count: 101)
        var positives = 0
        try cache.forEachBlock { block in
            let probabilities = fit.probabilities(block.features)
            try metrics.add(probabilities: probabilities, labels: block.labels, weights: block.weights)
            for p in probabilities { scoreCounts[GradeScale.score(probability: p)] += 1 }
            positives += block.labels.reduce(0) { $0 + Int($1) }
        }
        try writeFlatModel(fit: fit, encoding: file.encoding, metrics: try metrics.finish(),
                           grades: GradeScale(scoreCounts: scoreCounts), rows: cache.rowCount, positives: positives,
                           reporter: reporter)
        print("Rows cached in \(path) (\(cache.rowCount) rows, \(cache.blockCount) chunks).")
    }

    /// Writes the model of a flat table and prints its summary; `reporter`, when given, hears
    /// of the hashing of the table (seconds for a table of gigabytes).
    func writeFlatModel(fit: LogisticRegressionFit, encoding: FlatTableEncoding, metrics: ClassificationMetrics?,
                        grades: GradeScale, rows: Int, positives: Int, reporter: ProgressReporter? = nil) throws {
        reporter?.report("Hashing \(data) for the model's card")
        let fingerprint = try DataFingerprint(file: URL(fileURLWithPath: data), rows: rows, positives: positives)
        let model = PropensityModel(
            label: LabelDefinition(column: label!, positive: positive), weightColumn: weight,
            encoding: encoding, fit: fit, trainingMetrics: metrics, grades: grades,
            trainingData: fingerprint, trainedAt: Self.trainingTime())
        try ModelFile.write(model, to: URL(fileURLWithPath: out))
        print(ModelSummary.text(model), terminator: "")
        print("Model written to \(out)")
    }

    func trainOnCRM(specPath: String, reporter: ProgressReporter) throws {
        let spec = try FeatureSpec(contentsOf: URL(fileURLWithPath: specPath))
        var search: PenaltySearch?
        if auto {
            search = PenaltySearch(oneStandardError: oneStandardError)
            search?.pathLength = pathLength
        }
        let trainer = CRMTrainer(regression: regression, penaltySearch: search, holdoutFraction: holdout,
                                 minimumClassCount: minClassCount, threads: performance.threadCount,
                                 skipInvalidRows: skipInvalidRows, leakageAUCThreshold: leakAUC,
                                 calibration: calibration.method, trainedAt: Self.trainingTime())
        let featureCount = Atomic(0)   // known once the fit starts, for the step lines
        let result = try trainer.train(spec: spec, source: try crmSource(data)) { stage in
            switch stage {
            case .readingTables:
                reporter.report("Reading the leads, companies and contacts of \(data)")
            case .readingEvents(let count):
                reporter.report("Read \(count) events")
            case .searchingPenalty(let fold, let folds):
                reporter.report("Choosing the \(penalty == .l2 ? "L2" : "elastic-net") penalty: fold \(fold) of \(folds)")
            case .fitting(let features, let rows):
                featureCount.store(features, ordering: .relaxed)
                reporter.report("Fitting \(features) feature columns on \(rows) closed leads")
            case .newtonStep(let step):
                reporter.report(stepText(step, features: featureCount.load(ordering: .relaxed)))
            }
        }
        try ModelFile.write(result.model, to: URL(fileURLWithPath: out))
        print(ModelSummary.text(result.model), terminator: "")
        print("Trained on \(result.trainingRows.count) of \(result.closedRows.count) closed leads (of \(result.leadCount) leads), "
            + "with \(result.eventCount) events; \(result.validationRows.count) most recently closed held out for validation.")
        for line in result.skipped.lines { print("Skipped: \(line)") }
        if !result.leakage.warnings.isEmpty {
            print("Possible leaks, most suspicious first:")
            for warning in result.leakage.warnings { print("  - \(warning)") }
        }
        print("Model written to \(out)")
    }

    /// Whether the penalty's strength is to be cross-validated (`--l2 auto` or `--lambda auto`).
    var auto: Bool { penalty == .l2 ? l2 == .auto : lambda == .auto }

    /// The trainer the options describe; an `auto` strength starts at 0 and is replaced by the search.
    var regression: LogisticRegression {
        var trainer = switch penalty {
        case .l2: LogisticRegression(l2: l2.value ?? 0, standardize: standardize)
        case .elasticNet: LogisticRegression(lambda: lambda.value ?? 0, l1Ratio: alpha ?? 0, standardize: standardize)
        }
        trainer.hessianFreeWidth = hessianFreeWidth
        trainer.hessianSampleRows = hessianSampleRows
        return trainer
    }

    /// A solver step of a fit on `features` columns, for the progress line.
    func stepText(_ step: NewtonStep, features: Int) -> String {
        let kind = regression.isHessianFree(features: features)
            ? (regression.l1Ratio > 0 ? "OWL-QN" : "L-BFGS")
            : regression.l1Ratio > 0 ? "Proximal Newton" : "Newton"
        let measure = regression.l1Ratio > 0 ? "largest KKT violation" : "max |gradient|"
        return "\(kind) iteration \(step.iteration): "
            + String(format: "objective %.10g, ", step.value) + measure
            + String(format: " %.2e, step %g", step.maxAbsGradient, step.stepSize)
    }

    /// When the model is said to be trained: now, or `SOURCE_DATE_EPOCH` (seconds) when set, so
    /// that a build can reproduce a model file byte for byte.
    static func trainingTime() -> Date {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) {
            return Date(timeIntervalSince1970: epoch)
        }
        return Date()
    }
}

/// `--calibration`: none, or a calibration method.
enum CalibrationOption: String, CaseIterable, ExpressibleByArgument {
    case none, platt, isotonic

    /// The method, `nil` for none.
    var method: Calibrator.Method? { Calibrator.Method(rawValue: rawValue) }
}

/// `--l2`: a fixed penalty or `auto`.
enum Penalty: Equatable {
    case fixed(Double)
    case auto

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let value = Double(argument), value.isFinite, value >= 0 {
            self = .fixed(value)
        } else {
            return nil
        }
    }

    /// The fixed penalty, `nil` for `auto`.
    var value: Double? {
        if case .fixed(let value) = self { return value }
        return nil
    }
}

/// `--penalty`: the kind of penalty.
enum PenaltyKind: String, ExpressibleByArgument, CaseIterable {
    case l2
    case elasticNet = "elasticnet"
}
