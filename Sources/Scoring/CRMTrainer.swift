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
    /// The regression settings.
    public var regression: LogisticRegression
    /// Threads for the passes over the data.
    public var threads: Int
    /// Skip and count invalid rows instead of stopping at the first.
    public var skipInvalidRows: Bool
    /// A feature column whose AUC alone reaches this is reported as a likely leak.
    public var leakageAUCThreshold: Double

    public init(regression: LogisticRegression = LogisticRegression(), threads: Int = 1, skipInvalidRows: Bool = false,
                leakageAUCThreshold: Double = 0.9) {
        self.regression = regression
        self.threads = threads
        self.skipInvalidRows = skipInvalidRows
        self.leakageAUCThreshold = leakageAUCThreshold
    }

    /// What training saw besides the model.
    public struct Result: Sendable {
        /// The trained model.
        public let model: PropensityModel
        /// The number of leads in the data, open and closed.
        public let leadCount: Int
        /// The closed leads trained on.
        public let trainingRows: [Int]
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
        case fitting(features: Int, rows: Int)
        case newtonStep(NewtonStep)
    }

    /// Trains on the closed leads of `directory`.
    ///
    /// - Throws: `FeatureSpecError`/`CRMDataError` for bad input, `TrainingError` when the fit
    ///   cannot be made (for example a single class, or perfect separation without a penalty).
    public func train(spec: FeatureSpec, directory: URL, progress: (@Sendable (Stage) -> Void)? = nil) throws -> Result {
        progress?(.readingTables)
        let data = try CRMDataSet(spec: spec, directory: directory, skipInvalidRows: skipInvalidRows)
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil),
                                                   skipInvalidRows: skipInvalidRows, threads: threads) {
            progress?(.readingEvents(count: $0))
        }
        let rows = (0..<data.leadCount).filter { data.outcomes[$0].isClosed }
        guard !rows.isEmpty else {
            throw CRMDataError(file: spec.tables.leads.file, column: spec.tables.leads.outcome, entry: "label",
                               message: "no lead has a closed outcome (won: \(spec.label.won.joined(separator: ", ")); "
                                   + "lost: \(spec.label.lost.joined(separator: ", "))). Check the label values in the spec.")
        }
        let pipeline = try FeaturePipeline(spec: spec, fitting: raw, rows: rows)
        let x = pipeline.matrix(raw, rows: rows)
        let labels = rows.map { data.outcomes[$0] == .won ? 1.0 : 0.0 }
        let names = pipeline.columnNames
        progress?(.fitting(features: names.count, rows: rows.count))
        let trainingData = try TrainingData(features: x, labels: labels, featureNames: names)
        let fit = try regression.fit(trainingData, threads: threads) { progress?(.newtonStep($0)) }
        let metrics = ClassificationMetrics(probabilities: fit.probabilities(x), labels: labels)
        let fingerprint = try DataFingerprint(file: directory.appending(path: spec.tables.leads.file), rows: rows.count,
                                              positives: Int(labels.reduce(0, +)))
        var skipped = data.skipped
        skipped.merge(raw.skipped)
        let model = PropensityModel(input: .crm(pipeline), fit: fit, trainingMetrics: metrics, trainingData: fingerprint)
        let leakage = Self.leakage(data: data, closed: rows, x: x, labels: labels, names: names,
                                   aucThreshold: leakageAUCThreshold)
        return Result(model: model, leadCount: data.leadCount, trainingRows: rows, eventCount: raw.eventCount,
                      skipped: skipped, leakage: leakage)
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
