import Features
import Foundation
import Training

/// Every feature's value and contribution for one lead: what `propensity explain` prints.
///
/// The log-odds split exactly into a baseline and one contribution per feature:
/// `η = baseline + Σ contribution`, where the baseline `b + β·μ` is the log-odds of the
/// average training lead (the column means `μ`) and a feature's contribution is
/// `Σ βⱼ(xⱼ − μⱼ)` over its columns.
public struct Explanation: Codable, Equatable, Sendable {
    /// One model column of a feature.
    public struct Column: Codable, Equatable, Sendable {
        public let name: String
        /// The encoded value `xⱼ`.
        public let value: Double
        /// The training mean `μⱼ`.
        public let center: Double
        public let coefficient: Double
        /// `βⱼ(xⱼ − μⱼ)`.
        public let contribution: Double
    }

    /// One spec feature.
    public struct Feature: Codable, Equatable, Sendable {
        public let name: String
        /// The raw value in words.
        public let words: String
        /// The sum of the columns' contributions.
        public let contribution: Double
        public let columns: [Column]
    }

    public let leadID: String
    /// `open`, `won` or `lost`.
    public let outcome: String
    /// The instant the features were computed as of (ISO 8601): the training cut-off of a
    /// closed lead, the scoring instant of an open one.
    public let asOf: String
    /// The log-odds of the average training lead.
    public let baseline: Double
    /// The lead's log-odds, `baseline + Σ contribution`.
    public let logOdds: Double
    public let probability: Double
    /// The 90% range's ends; `nil` for a model without covariance (fitted above its
    /// Hessian-free width).
    public let probabilityLow: Double?
    public let probabilityHigh: Double?
    public let score: Int
    public let grade: Grade
    /// Every feature, in the spec's order.
    public let features: [Feature]
    /// For a calibrated model, its own probability `1 / (1 + exp(−logOdds))` before the
    /// calibration that gives `probability`; `nil` for a model without calibration.
    public let modelProbability: Double?
    /// For a calibrated model, the calibration method (`platt` or `isotonic`).
    public let calibration: Calibrator.Method?
}

extension CRMScorer {
    /// Explains one lead of `directory`: a closed lead as of its training cut-off, an open one
    /// as of `asOf`.
    ///
    /// - Throws: `ScoringError.unknownLead`, or `CRMDataError` for bad tables.
    public func explain(leadID: String, in directory: URL, asOf: Date,
                        progress: (@Sendable (Stage) -> Void)? = nil) throws -> Explanation {
        try explain(leadID: leadID, in: CRMFolder(directory), asOf: asOf, progress: progress)
    }

    /// Explains one lead of `source` (a folder, a database), as `explain(leadID:in:asOf:progress:)` does.
    public func explain(leadID: String, in source: any CRMTableSource, asOf: Date,
                        progress: (@Sendable (Stage) -> Void)? = nil) throws -> Explanation {
        progress?(.readingTables)
        let data = try readData(source)
        guard let lead = data.leadIndex(of: leadID) else {
            throw ScoringError.unknownLead(id: leadID, file: pipeline.spec.tables.leads.file)
        }
        let outcome = data.outcomes[lead]
        var cutoffs = [Double](repeating: .nan, count: data.leadCount)
        cutoffs[lead] = outcome.isClosed ? data.cutoffs(openLeadsAsOf: nil)[lead] : asOf.timeIntervalSince1970
        if cutoffs[lead] == .infinity { cutoffs[lead] = asOf.timeIntervalSince1970 }  // a closed lead without a cut-off rule
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, skipInvalidRows: skipInvalidRows, threads: threads) {
            progress?(.readingEvents(count: $0))
        }
        let x = pipeline.matrix(raw, rows: [lead])
        let fit = model.fit
        let names = fit.featureNames
        let baseline = fit.intercept + zip(fit.coefficients, fit.centers).reduce(0) { $0 + $1.0 * $1.1 }
        let features = featureColumns.enumerated().map { index, columns in
            let detail = columns.map { j in
                Explanation.Column(name: names[j], value: x[0, j], center: fit.centers[j], coefficient: fit.coefficients[j],
                                   contribution: fit.coefficients[j] * (x[0, j] - fit.centers[j]))
            }
            return Explanation.Feature(name: pipeline.spec.features[index].name, words: words(raw, feature: index, lead: lead),
                                       contribution: detail.reduce(0) { $0 + $1.contribution }, columns: detail)
        }
        let scores = score(raw, rows: [lead])
        let eta = fit.linearPredictor(x)[0]
        let outcomeText = outcome == .won ? "won" : outcome == .lost ? "lost" : "open"
        return Explanation(leadID: leadID, outcome: outcomeText, asOf: Timestamp.string(from: cutoffs[lead]),
                           baseline: baseline, logOdds: eta, probability: scores.probability[0],
                           probabilityLow: scores.low[0].isNaN ? nil : scores.low[0],
                           probabilityHigh: scores.high[0].isNaN ? nil : scores.high[0], score: scores.score[0],
                           grade: scores.grade(0), features: features,
                           modelProbability: model.calibration.map { _ in LogisticLoss.probability(eta: eta) },
                           calibration: model.calibration?.calibrator.method)
    }
}
