import Features
import Foundation
import Training

/// The scores of many leads, column by column: what the scorer computes for each block of
/// leads, appended in order.
public struct LeadScores: Sendable {
    /// The grade cut points the scores are graded with.
    public let grades: GradeScale
    /// The calibration applied to the probabilities and their ranges, if any.
    public let calibrator: Calibrator?
    /// Close probabilities (calibrated when `calibrator` is set).
    public private(set) var probability: [Double] = []
    /// The 90% range of each probability (delta method on the logit scale; with a calibrator,
    /// the calibrated ends of that range).
    public private(set) var low: [Double] = []
    public private(set) var high: [Double] = []
    /// `round(100·probability)`.
    public private(set) var score: [Int] = []
    /// Per lead, `topCount` feature indices raising the odds, most first (-1 = none), and their
    /// contributions; likewise lowering.
    public private(set) var raising: [Int32] = []
    public private(set) var raisingBy: [Double] = []
    public private(set) var lowering: [Int32] = []
    public private(set) var loweringBy: [Double] = []
    /// Factors listed per lead and direction.
    public private(set) var topCount = LinearScorer.reasonCount

    public init(grades: GradeScale, calibrator: Calibrator? = nil) {
        self.grades = grades
        self.calibrator = calibrator
    }

    /// The number of leads.
    public var count: Int { probability.count }

    /// Lead `k`'s grade.
    public func grade(_ k: Int) -> Grade { grades.grade(score: score[k]) }

    /// Appends a block the kernel scored.
    mutating func append(_ block: LinearScores) {
        let start = probability.count
        if let calibrator {
            // The range's ends on the log-odds scale, exactly as the kernel forms them, mapped
            // through the calibration (monotone, so the ends stay the ends).
            let z = LinearScorer.rangeQuantile
            for i in 0..<block.count {
                let eta = block.linearPredictor[i], se = block.standardError[i]
                probability.append(calibrator.probability(logOdds: eta))
                guard !se.isNaN else {
                    // A fit without covariance has no range to map.
                    low.append(.nan)
                    high.append(.nan)
                    continue
                }
                let ends = calibrator.range(logOdds: eta - z * se, eta + z * se)
                low.append(ends.low)
                high.append(ends.high)
            }
        } else {
            probability += block.probability
            low += block.low
            high += block.high
        }
        score += probability[start...].map(GradeScale.score(probability:))
        topCount = LinearScorer.reasonCount
        raising += block.topPositiveGroups
        raisingBy += block.topPositiveContributions
        lowering += block.topNegativeGroups
        loweringBy += block.topNegativeContributions
    }
}

/// The open leads of a CRM export, scored: what `propensity score` writes.
public struct ScoredLeads: Sendable {
    let data: CRMDataSet
    let scorer: CRMScorer
    /// The scored leads' rows in the leads table, in file order.
    public let rows: [Int]
    /// Open leads left out because their SQL date (the cut-off anchor) is after `asOf`.
    public let notYetSQLs: Int
    /// The instant scored as of, and the earlier one the trend compares with (seconds).
    public let asOf: Double
    public let trendFrom: Double
    let raw: RawFeatures
    /// The scores as of `asOf`.
    public let scores: LeadScores
    /// Per lead, the score as of `trendFrom`, or -1 when the lead was not yet an SQL then.
    public let earlierScore: [Int]
    /// Rows skipped as invalid (only when skipping was chosen).
    public let skipped: SkippedRows
    /// The number of event rows read.
    public let eventCount: Int
    /// The latest event time in the events file (seconds), -∞ without events.
    public let latestEventTime: Double

    /// The number of scored leads.
    public var count: Int { rows.count }

    /// Lead `k`'s id.
    public func leadID(_ k: Int) -> String { data.leadID(at: rows[k]) }

    /// The fitted features the leads were scored with.
    public var pipeline: FeaturePipeline { scorer.pipeline }

    /// Lead `k`'s raw value of spec feature `index` as of `asOf`, before encoding.
    public func rawValue(_ k: Int, feature index: Int) -> RawValue {
        scorer.rawValue(raw, feature: index, lead: rows[k])
    }

    /// Lead `k`'s factors in one direction: feature name, value in words, contribution.
    public func factors(_ k: Int, raising: Bool) -> [Factor] {
        let top = scores.topCount
        let indices = raising ? scores.raising : scores.lowering
        let values = raising ? scores.raisingBy : scores.loweringBy
        return (k * top..<(k + 1) * top).compactMap { slot in
            let feature = Int(indices[slot])
            guard feature >= 0 else { return nil }
            return Factor(feature: scorer.pipeline.spec.features[feature].name,
                          words: scorer.words(raw, feature: feature, lead: rows[k]), contribution: values[slot])
        }
    }
}

/// One feature's part in a lead's score.
public struct Factor: Codable, Equatable, Sendable {
    /// The feature's name in the spec.
    public let feature: String
    /// Its value in words.
    public let words: String
    /// Its contribution to the log-odds, relative to the average training lead.
    public let contribution: Double

    public init(feature: String, words: String, contribution: Double) {
        self.feature = feature
        self.words = words
        self.contribution = contribution
    }

    /// "5 contacts engaged in the 14 days after sql_at: +0.61".
    public var text: String { words + ": " + DecimalText.fixed(contribution, decimals: 2, plus: true) }
}
