import Foundation

/// Platt scaling: a logistic regression of the outcome on a model's log-odds,
/// `p = 1 / (1 + exp(A·η + B))`.
///
/// The fit follows scikit-learn's `_sigmoid_calibration` (Platt 2000): it minimizes the
/// (weighted) log-loss against Platt's smoothed targets, `(N₊ + 1)/(N₊ + 2)` for a win and
/// `1/(N₋ + 2)` for a loss, where `N₊` and `N₋` are the (weighted) numbers of wins and losses,
/// so that a few leads cannot push the map to 0 or 1. The loss is convex in `(A, B)`, and
/// Newton's method on the two parameters finds its minimum. A model that ranks well has
/// `A < 0`, and the map is then increasing in `η`.
///
///     let platt = try PlattScaling(fitting: logOdds, labels: outcomes)
///     let calibrated = platt.probability(logOdds: -0.4)
public struct PlattScaling: Codable, Equatable, Sendable {
    /// The slope `A` on the log-odds; negative when the map increases.
    public let a: Double
    /// The intercept `B`.
    public let b: Double
    /// The Newton iterations the fit took (0 for a map given directly).
    public let iterations: Int
    /// Whether the fit met its convergence test.
    public let converged: Bool

    /// The map with given parameters, as a fit that took `iterations` steps records them.
    public init(a: Double, b: Double, iterations: Int = 0, converged: Bool = true) {
        self.a = a
        self.b = b
        self.iterations = iterations
        self.converged = converged
    }

    /// Fits `A` and `B` by Newton's method.
    ///
    /// Step order, per iteration: the gradient `g` and Hessian `H` of the mean weighted loss;
    /// the Newton step `d = −H⁻¹g` (from a 2 × 2 solve); stop when `max|g| ≤ tolerance` and
    /// half the squared Newton decrement `−g·d/2 ≤ tolerance` (scikit-learn's Newton solvers'
    /// test); otherwise halve the step from 1 until the loss meets the Armijo condition
    /// (`c = 1e-4`), and take it; once the predicted decrease `−g·d` is below 1e-15 of the loss,
    /// where rounding hides any decrease, take the full step. It starts
    /// from scikit-learn's `(0, log((N₋ + 1)/(N₊ + 1)))`. For conditioning, the log-odds are
    /// divided by `max(1, max|η|)` during the fit and `A` is scaled back (the minimum is the
    /// same). When every `η` is the same, `A` cannot be told apart from `B`: `A` is 0 and `B`
    /// alone is fitted.
    ///
    /// - Parameters:
    ///   - logOdds: The model's log-odds `η` of each row; finite.
    ///   - labels: Outcomes, 0 or 1, as many as `logOdds`.
    ///   - weights: Non-negative sample weights, or `nil` for all ones (the default).
    ///   - tolerance: The convergence tolerance on the mean loss's gradient; default 1e-12.
    ///   - maxIterations: At most this many Newton steps; default 100.
    /// - Throws: `CalibrationError` for mismatched lengths, a non-finite `η`, a label other
    ///   than 0 or 1, a bad weight, or no row with a positive weight.
    /// - Complexity: O(n) per iteration.
    public init(fitting logOdds: [Double], labels: [Double], weights: [Double]? = nil,
                tolerance: Double = 1e-12, maxIterations: Int = 100) throws(CalibrationError) {
        try CalibrationError.check(predictions: logOdds, labels: labels, weights: weights) { $0.isFinite }
        let n = logOdds.count
        let w = weights ?? [Double](repeating: 1, count: n)
        var wins = 0.0, losses = 0.0
        for i in 0..<n { if labels[i] > 0 { wins += w[i] } else { losses += w[i] } }
        let total = wins + losses
        let winTarget = (wins + 1) / (wins + 2), lossTarget = 1 / (losses + 2)
        let scale = max(1, logOdds.map(abs).max() ?? 1)
        let f = logOdds.map { $0 / scale }
        let t = labels.map { $0 > 0 ? winTarget : lossTarget }
        let varies = f.contains { $0 != f[0] }

        /// The mean weighted loss at `(A, B)` on the scaled log-odds: with `r = −(A·f + B)`,
        /// `log(1 + exp(r)) − t·r`.
        func loss(_ a: Double, _ b: Double) -> Double {
            var sum = 0.0
            for i in 0..<n where w[i] > 0 {
                let r = -(a * f[i] + b)
                sum += w[i] * (LogisticLoss.log1pExp(r) - t[i] * r)
            }
            return sum / total
        }

        var a = 0.0, b = log((losses + 1) / (wins + 1))
        var iterations = 0
        var converged = false
        var value = loss(a, b)
        while true {
            // Gradient and Hessian of the mean loss in (A, B): dr/dA = −f, dr/dB = −1.
            var gA = 0.0, gB = 0.0, hAA = 0.0, hAB = 0.0, hBB = 0.0
            for i in 0..<n where w[i] > 0 {
                let r = -(a * f[i] + b)
                let residual = LogisticLoss.probability(eta: r) - t[i]
                let curvature = LogisticLoss.variance(eta: r)
                gA -= w[i] * residual * f[i]
                gB -= w[i] * residual
                hAA += w[i] * curvature * f[i] * f[i]
                hAB += w[i] * curvature * f[i]
                hBB += w[i] * curvature
            }
            gA /= total; gB /= total; hAA /= total; hAB /= total; hBB /= total
            var dA = 0.0, dB = -gB / hBB
            let determinant = hAA * hBB - hAB * hAB
            if varies && determinant > 1e-14 * hAA * hBB {
                dA = -(hBB * gA - hAB * gB) / determinant
                dB = -(hAA * gB - hAB * gA) / determinant
            } else {
                gA = 0  // A stays 0: the log-odds carry no information beyond B.
            }
            let slope = gA * dA + gB * dB
            if max(abs(gA), abs(gB)) <= tolerance && -slope / 2 <= tolerance {
                converged = true
                break
            }
            guard iterations < maxIterations, slope < 0 else { break }
            var step = 1.0
            var next = loss(a + dA, b + dB)
            // Once the predicted decrease is below the loss's rounding, comparing losses says
            // nothing: the full Newton step is taken (the loss is strictly convex and smooth, and
            // Newton's method converges quadratically this close to the minimum).
            let roundingLimited = -slope <= 1e-15 * max(1, abs(value))
            while !roundingLimited && next > value + 1e-4 * step * slope && step > 1e-10 {
                step /= 2
                next = loss(a + step * dA, b + step * dB)
            }
            // No decrease along a descent direction.
            guard roundingLimited || next <= value else { break }
            a += step * dA
            b += step * dB
            value = next
            iterations += 1
        }
        self.a = a / scale
        self.b = b
        self.iterations = iterations
        self.converged = converged
    }

    /// The calibrated probability of a row with log-odds `η`, `1 / (1 + exp(A·η + B))`,
    /// evaluated without overflow.
    @inline(__always)
    public func probability(logOdds eta: Double) -> Double {
        LogisticLoss.probability(eta: -(a * eta + b))
    }
}
