import Features
import Foundation
import LinearAlgebra
import Training

/// Trains a propensity model on a CRM export through a feature spec: reads the tables,
/// extracts every feature as of each closed lead's cut-off, fits the encodings and the
/// logistic regression, and keeps the fitted spec inside the model.
///
/// ```swift
/// let spec = try FeatureSpec(contentsOf: URL(filePath: "crm/spec.yaml"))
/// let result = try CRMTrainer(regression: LogisticRegression(l2: 1)).train(spec: spec, directory: URL(filePath: "crm"))
/// try ModelFile.write(result.model, to: URL(filePath: "model.json"))
/// ```
public struct CRMTrainer: Sendable {
    /// The regression settings; with `penaltySearch`, its `l2` is replaced by the one chosen.
    public var regression: LogisticRegression
    /// When set, the L2 penalty is chosen by time-ordered cross-validation (`--l2 auto`).
    public var penaltySearch: PenaltySearch?
    /// The share of closed leads, most recently closed first, held out of the fit to validate
    /// the model on; default 0.2. With 0 the model is fitted on every closed lead and has no
    /// validation report.
    public var holdoutFraction: Double
    /// Training is refused with fewer won, or fewer lost, closed leads than this; default 40.
    public var minimumClassCount: Int
    /// Threads for the passes over the data.
    public var threads: Int
    /// Skip and count invalid rows instead of stopping at the first.
    public var skipInvalidRows: Bool
    /// A feature column whose AUC alone reaches this is reported as a likely leak.
    public var leakageAUCThreshold: Double
    /// The training time the model records; `nil` for the time training ends.
    public var trainedAt: Date?
    /// When set, a calibrator of this method is fitted on the held-out leads' predictions and
    /// applied to every probability the model gives (`--calibration`); needs a holdout.
    public var calibration: Calibrator.Method?

    public init(regression: LogisticRegression = LogisticRegression(), penaltySearch: PenaltySearch? = nil,
                holdoutFraction: Double = 0.2, minimumClassCount: Int = 40, threads: Int = 1,
                skipInvalidRows: Bool = false, leakageAUCThreshold: Double = 0.9, calibration: Calibrator.Method? = nil,
                trainedAt: Date? = nil) {
        precondition(holdoutFraction >= 0 && holdoutFraction < 1, "The holdout fraction must be in [0, 1).")
        self.regression = regression
        self.penaltySearch = penaltySearch
        self.holdoutFraction = holdoutFraction
        self.minimumClassCount = minimumClassCount
        self.threads = threads
        self.skipInvalidRows = skipInvalidRows
        self.leakageAUCThreshold = leakageAUCThreshold
        self.calibration = calibration
        self.trainedAt = trainedAt
    }

    /// What training saw besides the model.
    public struct Result: Sendable {
        /// The trained model.
        public let model: PropensityModel
        /// The number of leads in the data, open and closed.
        public let leadCount: Int
        /// The closed leads, oldest close first.
        public let closedRows: [Int]
        /// The closed leads the model was fitted on (the older part of `closedRows`).
        public let trainingRows: [Int]
        /// The closed leads held out for validation (the most recently closed).
        public let validationRows: [Int]
        /// The number of event rows read.
        public let eventCount: Int
        /// Rows skipped as invalid (only with `skipInvalidRows`).
        public let skipped: SkippedRows
        /// Likely leaks, most suspicious first.
        public let leakage: LeakageReport
    }

    /// Progress, for long work.
    public enum Stage: Sendable {
        case readingTables
        case readingEvents(count: Int)
        case searchingPenalty(fold: Int, folds: Int)
        case fitting(features: Int, rows: Int)
        case newtonStep(NewtonStep)
    }

    /// Trains on the closed leads of `directory`.
    ///
    /// Every closed lead's features are extracted as of its cut-off. The closed leads are
    /// ordered by close date (`closed_at`; else the cut-off; ties and leads without either in
    /// file order), the most recent `holdoutFraction` is held out, the encodings and the model
    /// are fitted on the rest, and the held-out leads give the validation report. With
    /// `calibration`, the calibrator is fitted on the held-out leads' log-odds (see
    /// `ModelCalibration`), and the grade cut points on the training leads' calibrated
    /// probabilities, since scores and grades then come from calibrated probabilities.
    ///
    /// - Throws: `FeatureSpecError`/`CRMDataError` for bad input, `CRMTrainingError` when there
    ///   are too few won or lost leads or, with `calibration`, fewer than two held-out leads;
    ///   `TrainingError` when the fit cannot be made (for example perfect separation without a
    ///   penalty).
    public func train(spec: FeatureSpec, directory: URL, progress: (@Sendable (Stage) -> Void)? = nil) throws -> Result {
        try train(spec: spec, source: CRMFolder(directory), progress: progress)
    }

    /// Trains as `train(spec:directory:progress:)` does, on the tables of `source` (a folder,
    /// a database).
    public func train(spec: FeatureSpec, source: any CRMTableSource, progress: (@Sendable (Stage) -> Void)? = nil) throws -> Result {
        progress?(.readingTables)
        let data = try CRMDataSet(spec: spec, source: source, skipInvalidRows: skipInvalidRows, threads: threads)
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil),
                                                   skipInvalidRows: skipInvalidRows, threads: threads) {
            progress?(.readingEvents(count: $0))
        }
        let closed = Self.closedLeadsByCloseDate(data)
        let held = Int((holdoutFraction * Double(closed.count)).rounded())
        if calibration != nil && held < 2 {
            throw CRMTrainingError.tooFewToCalibrate(heldOut: held)
        }
        let rows = Array(closed.dropLast(held))
        let validationRows = Array(closed.suffix(held))
        // The floor holds for the leads the model is fitted on.
        let won = rows.filter { data.outcomes[$0] == .won }.count
        if won < minimumClassCount || rows.count - won < minimumClassCount {
            throw CRMTrainingError.tooFewExamples(won: won, lost: rows.count - won, heldOut: held, minimum: minimumClassCount,
                                                  file: spec.tables.leads.file,
                                                  wonValues: spec.label.won, lostValues: spec.label.lost)
        }
        let label = { (lead: Int) in data.outcomes[lead] == .won ? 1.0 : 0.0 }
        let labels = rows.map(label)

        let pipeline = try FeaturePipeline(spec: spec, fitting: raw, rows: rows)
        let x = pipeline.matrix(raw, rows: rows)
        let names = pipeline.columnNames
        // With a penalty, a column constant on the training leads while others of its feature
        // vary (an empty hash bucket) has a best coefficient of 0; it is left out of the fit and
        // put back with that coefficient. A feature constant in every column (its events table
        // empty, say) says something is wrong with the data: it stays in the fit, which refuses
        // it by name, as it refuses any constant column without a penalty.
        let penalized = regression.l2 > 0 || penaltySearch != nil
        var fitted = Array(0..<x.columns)
        if penalized {
            var kept = Set(x.varyingColumns)
            var start = 0
            for feature in pipeline.features {
                let columns = start..<(start + feature.columnNames.count)
                if !columns.contains(where: kept.contains) { kept.formUnion(columns) }
                start = columns.upperBound
            }
            fitted = kept.sorted()
        }
        let constants = fitted.count == x.columns ? [:] : Dictionary(uniqueKeysWithValues:
            Set(0..<x.columns).subtracting(fitted).map { ($0, x.rows > 0 ? x[0, $0] : 0) })
        let trainingData = try TrainingData(features: constants.isEmpty ? x : x.selecting(columns: fitted), labels: labels,
                                            featureNames: fitted.map { names[$0] })

        var regression = regression
        var searchResult: PenaltySearchResult?
        if let penaltySearch {
            let result = try Self.search(penaltySearch, spec: spec, raw: raw, rows: rows, labels: labels, base: regression,
                                         wholePart: trainingData, threads: threads) {
                progress?(.searchingPenalty(fold: $0, folds: penaltySearch.folds))
            }
            regression.l2 = result.chosen
            searchResult = result
        }
        progress?(.fitting(features: trainingData.featureCount, rows: rows.count))
        var fit = try regression.fit(trainingData, threads: threads) { progress?(.newtonStep($0)) }
        if !constants.isEmpty {
            fit = fit.insertingConstantColumns(featureNames: names, fitted: fitted, constants: constants)
        }
        let probabilities = fit.probabilities(x)
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: labels)

        let closeTimes = data.closeTimes
        var validation: Evaluation?
        var calibrated: ModelCalibration?
        if !validationRows.isEmpty {
            let validationX = pipeline.matrix(raw, rows: validationRows)
            let p = fit.probabilities(validationX)
            validation = Evaluation(probabilities: p, labels: validationRows.map(label),
                                    closeTimes: validationRows.map { closeTimes[$0] })
            if let calibration {
                calibrated = try ModelCalibration(fitting: calibration, logOdds: fit.linearPredictor(validationX),
                                                  labels: validationRows.map(label))
            }
        }
        // Scores and grades come from the probabilities the model gives, calibrated or not.
        let gradedProbabilities = calibrated.map { c in fit.linearPredictor(x).map { c.calibrator.probability(logOdds: $0) } }
            ?? probabilities
        var fingerprint = try DataFingerprint(spec.tables.leadsReference, in: source, rows: rows.count,
                                              positives: Int(labels.reduce(0, +)))
        let trainedCloses = rows.map { closeTimes[$0] }.filter { !$0.isNaN }
        fingerprint.closedFrom = trainedCloses.min().map(Timestamp.string(from:))
        fingerprint.closedTo = trainedCloses.max().map(Timestamp.string(from:))
        var skipped = data.skipped
        skipped.merge(raw.skipped)
        let model = PropensityModel(input: .crm(pipeline), fit: fit, trainingMetrics: metrics, validation: validation,
                                    penaltySearch: searchResult, grades: GradeScale(fitting: gradedProbabilities),
                                    trainingData: fingerprint, calibration: calibrated, trainedAt: trainedAt ?? Date())
        let leakage = Self.leakage(data: data, closed: rows, x: x, labels: labels, names: names,
                                   aucThreshold: leakageAUCThreshold)
        return Result(model: model, leadCount: data.leadCount, closedRows: closed, trainingRows: rows,
                      validationRows: validationRows, eventCount: raw.eventCount, skipped: skipped, leakage: leakage)
    }

    /// The closed leads, oldest close first: by `closed_at`, else by the training cut-off;
    /// leads with neither come first, and ties keep file order. Training holds out the last
    /// `holdoutFraction` of this order, so it tells which leads a model was fitted on.
    public static func closedLeadsByCloseDate(_ data: CRMDataSet) -> [Int] {
        let closeTimes = data.closeTimes
        let cutoffs = data.cutoffs(openLeadsAsOf: nil)
        let closed = (0..<data.leadCount).filter { data.outcomes[$0].isClosed }
        let keys = closed.map { lead -> Double in
            let time = closeTimes[lead]
            if !time.isNaN { return time }
            return cutoffs[lead].isFinite ? cutoffs[lead] : -.infinity
        }
        let order = closed.indices.sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
        return order.map { closed[$0] }
    }

    /// Time-ordered cross-validation of the penalty on the training part (see `PenaltySearch`).
    /// Each fold fits the encodings on its own leads, as training does on the whole part. With
    /// an elastic net (`base.l1Ratio > 0`), `wholePart` is the training part's matrix: its own
    /// path gives the penalties every fold fits (from its `λ_max` down) and each penalty's
    /// non-zero coefficients.
    static func search(_ search: PenaltySearch, spec: FeatureSpec, raw: RawFeatures, rows: [Int], labels: [Double],
                       base: LogisticRegression, wholePart: TrainingData?, threads: Int,
                       onFold: (Int) -> Void) throws -> PenaltySearchResult {
        var path: RegularizationPath?
        var lambdas = search.candidates
        var nonzeroCounts: [Int]?
        if base.l1Ratio > 0, let wholePart {
            var elasticNet = RegularizationPath(l1Ratio: base.l1Ratio, standardize: base.standardize,
                                                lambdaCount: search.pathLength, minimumRatio: search.pathMinimumRatio,
                                                tolerance: base.tolerance, maxIterations: base.maxIterations)
            elasticNet.hessianFreeWidth = base.hessianFreeWidth
            let points = try elasticNet.fit(wholePart, featureNames: wholePart.featureNames, threads: threads).points
            lambdas = points.map(\.lambda)
            nonzeroCounts = points.map(\.nonzeroCount)
            path = elasticNet
        }
        let blocks = search.blocks(count: rows.count)
        var foldLosses: [[Double]] = []   // per fold kept, the mean log-loss of each candidate
        var foldSizes: [Int] = []
        for fold in 1...search.folds {
            onFold(fold)
            let fitRows = Array(rows[0..<blocks[fold].lowerBound])
            let fitLabels = Array(labels[0..<blocks[fold].lowerBound])
            let testRows = Array(rows[blocks[fold]])
            let testLabels = Array(labels[blocks[fold]])
            let wins = fitLabels.reduce(0, +)
            guard !testRows.isEmpty, wins > 0, wins < Double(fitLabels.count),
                  let pipeline = try? FeaturePipeline(spec: spec, fitting: raw, rows: fitRows)
            else { continue }
            // On an early fold's few leads some columns (rare levels, their interactions) can be
            // constant. With a penalty such a column's best coefficient is 0 (the intercept
            // absorbs any constant), so the fold is fitted without it.
            let x = pipeline.matrix(raw, rows: fitRows)
            let kept = x.varyingColumns
            guard let data = try? TrainingData(features: x.selecting(columns: kept), labels: fitLabels,
                                               featureNames: kept.map { pipeline.columnNames[$0] })
            else { continue }
            let test = pipeline.matrix(raw, rows: testRows).selecting(columns: kept)
            func meanLoss(_ eta: [Double]) -> Double {
                zip(eta, testLabels).reduce(0) { $0 + LogisticLoss.loss(eta: $1.0, label: $1.1) } / Double(testRows.count)
            }
            var losses: [Double] = []
            if let path {
                if let fit = try? path.fit(data, featureNames: data.featureNames, lambdas: lambdas, threads: threads) {
                    losses = fit.points.map { meanLoss($0.linearPredictor(test)) }
                } else {
                    losses = lambdas.map { _ in .infinity }
                }
            } else {
                for l2 in lambdas {
                    var regression = base
                    regression.l2 = l2
                    guard let fit = try? regression.fit(data, threads: threads) else {
                        losses.append(.infinity)
                        continue
                    }
                    losses.append(meanLoss(fit.linearPredictor(test)))
                }
            }
            // A fold where no candidate could be fitted says nothing about the penalty.
            guard losses.contains(where: \.isFinite) else { continue }
            foldLosses.append(losses)
            foldSizes.append(testRows.count)
        }
        guard !foldLosses.isEmpty else {
            throw CRMTrainingError.penaltySearchFailed(folds: search.folds, rows: rows.count)
        }
        let scored = foldSizes.reduce(0, +)
        let candidates = lambdas.indices.map { k in
            // The mean over every scored lead, and the folds' spread around it.
            let mean = zip(foldLosses, foldSizes).reduce(0) { $0 + $1.0[k] * Double($1.1) } / Double(scored)
            var standardError: Double?
            if foldLosses.count >= 2 && mean.isFinite {
                let variance = zip(foldLosses, foldSizes).reduce(0) { $0 + Double($1.1) * ($1.0[k] - mean) * ($1.0[k] - mean) }
                    / Double(scored)
                standardError = (variance / Double(foldLosses.count - 1)).squareRoot()
            }
            return PenaltySearchResult.Candidate(l2: lambdas[k], logLoss: mean,
                                                 standardError: path == nil && !search.oneStandardError ? nil : standardError,
                                                 nonzeroCount: nonzeroCounts?[k])
        }
        let chosen = search.choose(candidates)
        return PenaltySearchResult(foldsUsed: foldLosses.count, scoredRows: scored, candidates: candidates,
                                   chosen: candidates[chosen].l2, oneStandardError: search.oneStandardError ? true : nil,
                                   l1Ratio: path == nil ? nil : base.l1Ratio)
    }

    /// Compares every leads column between closed and open leads, and every feature column's
    /// AUC on its own (on at most 200,000 training rows).
    ///
    /// Columns are compared by fill rate, and by distribution for numbers and for text with at
    /// most 100 distinct values; timestamps (which differ by age alone) and ids or free text
    /// (whose values rarely repeat) by fill rate only.
    static func leakage(data: CRMDataSet, closed: [Int], x: Matrix, labels: [Double], names: [String],
                        aucThreshold: Double) -> LeakageReport {
        let open = (0..<data.leadCount).filter { !data.outcomes[$0].isClosed }
        /// A drift by fill rate alone, for columns whose values are not compared.
        func fillRateOnly(_ name: String, _ isFilled: (Int) -> Bool) -> ColumnDrift {
            func rate(_ rows: [Int]) -> Double { Double(rows.filter(isFilled).count) / Double(rows.count) }
            return ColumnDrift(column: name, closedFillRate: rate(closed), openFillRate: rate(open), divergence: 0)
        }
        var drifts: [ColumnDrift] = []
        if !open.isEmpty {
            for (name, values) in data.leadColumns {
                switch values {
                case .numbers(let v):
                    drifts.append(LeakageCheck.drift(column: name, closed: closed.map { v[$0] }, open: open.map { v[$0] }))
                case .text(let v) where Set(v).count <= 101:
                    drifts.append(LeakageCheck.drift(column: name, closed: closed.map { v[$0] }, open: open.map { v[$0] }))
                case .text(let v):
                    drifts.append(fillRateOnly(name) { v[$0] != nil })
                case .timestamps(let v):
                    drifts.append(fillRateOnly(name) { !v[$0].isNaN })
                }
            }
        }
        let stride = max(1, x.rows / 200_000)
        let sample = Swift.stride(from: 0, to: x.rows, by: stride).map { $0 }
        let sampleLabels = sample.map { labels[$0] }
        let aucs = names.enumerated().map { column, name in
            (name: name, auc: LeakageCheck.singleFeatureAUC(values: sample.map { x[$0, column] }, labels: sampleLabels))
        }
        return LeakageReport(drifts: drifts, featureAUCs: aucs, aucThreshold: aucThreshold)
    }
}
