import Foundation

/// Whether a group of leads won more or fewer deals than a model predicted.
///
/// If lead i wins with probability pᵢ independently, the group's wins W follow the
/// Poisson-binomial distribution: mean `Σpᵢ`, variance `Σpᵢ(1 − pᵢ)`. The test computes that
/// distribution exactly (no normal approximation, which is poor for small groups and
/// probabilities near 0 or 1), and reports the z-score `(W − Σp)/√Σp(1 − p)` as an effect size.
public struct PoissonBinomialTest: Codable, Equatable, Sendable {
    /// The number of leads.
    public let leads: Int
    /// The wins observed.
    public let observedWins: Int
    /// The wins predicted: the sum of the probabilities.
    public let predictedWins: Double
    /// The standard deviation of the wins under the model, `√Σp(1 − p)`.
    public let standardDeviation: Double
    /// Observed minus predicted wins.
    public let difference: Double
    /// `(W − Σp)/√Σp(1 − p)`; `nil` when the standard deviation is 0 (every probability 0 or 1).
    public let zScore: Double?
    /// `P(W ≤ observed)` and `P(W ≥ observed)` under the model.
    public let lowerTail: Double
    public let upperTail: Double
    /// The two-sided p-value: twice the smaller tail, at most 1.
    public let pValue: Double

    /// Tests `observedWins` against the probabilities of the group's leads.
    ///
    /// - Parameters:
    ///   - probabilities: Each lead's predicted probability, in 0…1.
    ///   - observedWins: How many of them were won, 0…`probabilities.count`.
    /// - Complexity: O(n²) for n leads: the distribution by adding one lead at a time.
    public init(probabilities: [Double], observedWins: Int) {
        precondition(observedWins >= 0 && observedWins <= probabilities.count, "Wins are within 0…leads.")
        leads = probabilities.count
        self.observedWins = observedWins
        predictedWins = probabilities.reduce(0, +)
        difference = Double(observedWins) - predictedWins
        let variance = probabilities.reduce(0) { $0 + $1 * (1 - $1) }
        standardDeviation = variance.squareRoot()
        zScore = variance > 0 ? (Double(observedWins) - predictedWins) / standardDeviation : nil
        // P(W = k) after each lead: P'(k) = P(k)(1 − p) + P(k − 1)p. Every term is a
        // convex combination of non-negative numbers, so the recursion is stable.
        var pmf = [Double](repeating: 0, count: leads + 1)
        pmf[0] = 1
        for (count, p) in probabilities.enumerated() {
            precondition(p >= 0 && p <= 1, "Probabilities are in 0…1.")
            for k in stride(from: count + 1, through: 1, by: -1) {
                pmf[k] = pmf[k] * (1 - p) + pmf[k - 1] * p
            }
            pmf[0] *= 1 - p
        }
        // Each tail summed from its far end, smallest terms first; the observed term is in both.
        lowerTail = min(1, pmf[0...observedWins].reduce(0, +))
        upperTail = min(1, pmf[observedWins...].reversed().reduce(0, +))
        pValue = min(1, 2 * min(lowerTail, upperTail))
    }
}
