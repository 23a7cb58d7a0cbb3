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
        // Walk groups of tied scores from low to high: each positive scores above every negative
        // seen before its group and ties with the negatives inside it.
        var negativesBelow = 0.0, positives = 0.0, concordant = 0.0
        var start = 0
        while start < order.count {
            var end = start
            var groupPositive = 0.0, groupNegative = 0.0
            while end < order.count && probabilities[order[end]] == probabilities[order[start]] {
                let i = order[end]
                let s = weights?[i] ?? 1
                if labels[i] == 1 { groupPositive += s } else { groupNegative += s }
                end += 1
            }
            concordant += groupPositive * (negativesBelow + 0.5 * groupNegative)
            negativesBelow += groupNegative
            positives += groupPositive
            start = end
        }
        guard positives > 0, negativesBelow > 0 else { return nil }
        var logLoss = 0.0, brier = 0.0, weightSum = 0.0
        for i in order {
            let s = weights?[i] ?? 1
            let p = probabilities[i], y = labels[i]
            // Clip as scikit-learn does, so a confident wrong 0 or 1 costs a large finite amount.
            let clipped = min(max(p, Double.ulpOfOne), 1 - Double.ulpOfOne)
            logLoss -= s * (y == 1 ? log(clipped) : log1p(-clipped))
            brier += s * (p - y) * (p - y)
            weightSum += s
        }
        self.auc = concordant / (positives * negativesBelow)
        self.logLoss = logLoss / weightSum
        self.brier = brier / weightSum
        self.count = order.count
    }
}
