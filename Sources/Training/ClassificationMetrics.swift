import Foundation

/// How well predicted probabilities match 0/1 outcomes.
public struct ClassificationMetrics: Codable, Equatable, Sendable {
    /// The area under the ROC curve: the probability that a random positive row scores above a
    /// random negative one, ties counting one half (weighted by the product of the weights).
    public let auc: Double
    /// The mean (weighted) negative log-likelihood, `−Σ sᵢ[yᵢ log pᵢ + (1−yᵢ) log(1−pᵢ)] / Σ sᵢ`.
    public let logLoss: Double
    /// The mean (weighted) squared error `Σ sᵢ(pᵢ − yᵢ)² / Σ sᵢ`.
    public let brier: Double
    /// The number of rows with a positive weight.
    public let count: Int

    /// Computes the metrics.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities in [0, 1].
    ///   - labels: Outcomes, 0 or 1, as many as probabilities.
    ///   - weights: Non-negative weights, or `nil` for all ones.
    /// - Returns: `nil` when there are no rows with positive weight or only one class (AUC
    ///   is undefined).
    /// - Complexity: O(n log n) for the sort behind the exact AUC.
    public init?(probabilities: [Double], labels: [Double], weights: [Double]? = nil) {
        precondition(probabilities.count == labels.count && (weights?.count ?? labels.count) == labels.count,
                     "Need one label and weight per probability.")
        let n = probabilities.count
        var order = (0..<n).filter { (weights?[$0] ?? 1) > 0 }
        guard !order.isEmpty else { return nil }
        order.sort { probabilities[$0] < probabilities[$1] }
        var sums = AscendingSums()
        for i in order { sums.add(probability: probabilities[i], label: labels[i], weight: weights?[i] ?? 1) }
        guard let metrics = sums.metrics() else { return nil }
        self = metrics
    }

    init(auc: Double, logLoss: Double, brier: Double, count: Int) {
        self.auc = auc
        self.logLoss = logLoss
        self.brier = brier
        self.count = count
    }
}

/// The sums behind `ClassificationMetrics`, over rows taken in ascending order of probability
/// (rows of equal probability in any order).
struct AscendingSums {
    private var negativesBelow = 0.0, positives = 0.0, concordant = 0.0
    private var groupProbability = Double.nan, groupPositive = 0.0, groupNegative = 0.0
    private var logLoss = 0.0, brier = 0.0, weightSum = 0.0, count = 0

    /// Adds a row of positive weight, its probability at least the last one's.
    @inline(__always)
    mutating func add(probability p: Double, label y: Double, weight s: Double) {
        // Groups of tied scores, from low to high: each positive scores above every negative
        // seen before its group and ties with the negatives inside it.
        if p != groupProbability {
            closeGroup()
            groupProbability = p
        }
        if y == 1 { groupPositive += s } else { groupNegative += s }
        // Clip as scikit-learn does, so a confident wrong 0 or 1 costs a large finite amount.
        let clipped = min(max(p, Double.ulpOfOne), 1 - Double.ulpOfOne)
        logLoss -= s * (y == 1 ? log(clipped) : log1p(-clipped))
        brier += s * (p - y) * (p - y)
        weightSum += s
        count += 1
    }

    private mutating func closeGroup() {
        concordant += groupPositive * (negativesBelow + 0.5 * groupNegative)
        negativesBelow += groupNegative
        positives += groupPositive
        groupPositive = 0
        groupNegative = 0
    }

    /// The metrics; `nil` without both classes.
    func metrics() -> ClassificationMetrics? {
        var sums = self
        sums.closeGroup()
        guard sums.positives > 0, sums.negativesBelow > 0 else { return nil }
        return ClassificationMetrics(auc: sums.concordant / (sums.positives * sums.negativesBelow),
                                     logLoss: sums.logLoss / sums.weightSum, brier: sums.brier / sums.weightSum,
                                     count: sums.count)
    }
}
