import Foundation

/// A confidence interval for a proportion, such as a win rate.
public struct ProportionInterval: Codable, Equatable, Sendable {
    /// The lower and upper bounds, within 0…1.
    public let lower: Double
    public let upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The Wilson score interval for `successes` of `trials`: the proportions `π` whose score
    /// test `|p̂ − π| / √(π(1 − π)/n) ≤ z` does not reject,
    ///
    ///     (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n),   z = Φ⁻¹(1 − α/2).
    ///
    /// Unlike the Wald interval `p̂ ± z√(p̂(1 − p̂)/n)`, it stays inside 0…1, is not empty at 0 or
    /// `n` successes (its lower bound is then exactly 0, or its upper exactly 1) and keeps
    /// close to its nominal coverage for small `n` (Brown, Cai and DasGupta 2001). The same as
    /// statsmodels' `proportion_confint(successes, trials, alpha, method="wilson")`.
    ///
    /// - Parameters:
    ///   - successes: Wins, 0…`trials`.
    ///   - trials: Leads, at least 1.
    ///   - confidence: The confidence level 1 − α, in (0, 1); default 0.95.
    public static func wilson(successes: Int, trials: Int, confidence: Double = 0.95) -> ProportionInterval {
        precondition(trials > 0 && successes >= 0 && successes <= trials, "Successes must be within 0…trials, trials at least 1.")
        precondition(confidence > 0 && confidence < 1, "The confidence level is in (0, 1).")
        let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        let n = Double(trials), p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        // At 0 and n successes the bound is 0 (or 1) exactly; center − half would round around it.
        let lower = successes == 0 ? 0 : max(0, center - half)
        let upper = successes == trials ? 1 : min(1, center + half)
        return ProportionInterval(lower: lower, upper: upper)
    }

    /// Whether `value` lies in the interval, bounds included.
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
}
