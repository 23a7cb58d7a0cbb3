import Features
import Foundation
import Training

/// How a model's probabilities match the outcomes of labelled leads: the time-based validation
/// a model's card reports, and what `propensity evaluate` prints for any labelled data.
public struct Evaluation: Codable, Equatable, Sendable {
    /// The number of leads evaluated.
    public let rows: Int
    /// How many of them were won.
    public let wins: Int
    /// The earliest and latest close date among them (ISO 8601), when known.
    public let closedFrom: String?
    public let closedTo: String?
    /// AUC, log-loss and Brier score; `nil` when the leads are all won or all lost.
    public let metrics: ClassificationMetrics?
    /// Predicted against observed win rates by decile of the probability.
    public let calibration: CalibrationTable?
    /// Win rates and lift by decile, highest probabilities first.
    public let lift: LiftTable?
    /// The ROC curve (at most `ROCCurve.defaultMaximumPoints` points); `nil` when the leads
    /// are all won or all lost, and in model files written before it was recorded.
    public let roc: ROCCurve?

    /// Evaluates `probabilities` against 0/1 `labels`.
    ///
    /// - Parameter closeTimes: The leads' close dates in seconds (NaN when unknown), for the
    ///   date range.
    public init(probabilities: [Double], labels: [Double], closeTimes: [Double]) {
        precondition(probabilities.count == labels.count && closeTimes.count == labels.count, "One label and close date per probability.")
        rows = labels.count
        wins = Int(labels.reduce(0, +))
        let known = closeTimes.filter { !$0.isNaN }
        closedFrom = known.min().map(Timestamp.string(from:))
        closedTo = known.max().map(Timestamp.string(from:))
        metrics = ClassificationMetrics(probabilities: probabilities, labels: labels)
        calibration = CalibrationTable(probabilities: probabilities, labels: labels)
        lift = LiftTable(probabilities: probabilities, labels: labels)
        roc = ROCCurve(probabilities: probabilities, labels: labels)
    }
}

extension CRMScorer {
    /// Evaluates the model on the closed leads of `directory`, each as of its training cut-off.
    ///
    /// - Throws: `CRMDataError` for bad tables.
    public func evaluate(_ directory: URL, progress: (@Sendable (Stage) -> Void)? = nil) throws -> Evaluation {
        try evaluate(CRMFolder(directory), progress: progress)
    }

    /// Evaluates the model on the closed leads of `source` (a folder, a database).
    public func evaluate(_ source: any CRMTableSource, progress: (@Sendable (Stage) -> Void)? = nil) throws -> Evaluation {
        progress?(.readingTables)
        let data = try readData(source)
        let scored = try scoreClosedLeads(of: data, progress: progress)
        let closeTimes = data.closeTimes
        return Evaluation(probabilities: scored.probabilities, labels: scored.leads.map { data.outcomes[$0] == .won ? 1 : 0 },
                          closeTimes: scored.leads.map { closeTimes[$0] })
    }

    /// The model's probability for every closed lead of `data`, each as of its training
    /// cut-off: the features training computed, so these are the probabilities the fit saw
    /// (for training leads) or would have given (for held-out and later leads).
    ///
    /// - Parameter data: Tables read through the model's spec (`readData(_:groupingColumns:)`).
    /// - Returns: The closed leads (indices into `data`, in file order) and their probabilities.
    /// - Throws: `CRMDataError` for bad rows in the events table.
    public func scoreClosedLeads(of data: CRMDataSet, progress: (@Sendable (Stage) -> Void)? = nil) throws
        -> (leads: [Int], probabilities: [Double]) {
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil),
                                                   skipInvalidRows: skipInvalidRows, threads: threads) {
            progress?(.readingEvents(count: $0))
        }
        let closed = (0..<data.leadCount).filter { data.outcomes[$0].isClosed }
        progress?(.scoring(leads: closed.count))
        return (closed, score(raw, rows: closed).probability)
    }
}
