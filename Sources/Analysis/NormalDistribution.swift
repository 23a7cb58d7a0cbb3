import Foundation

/// The standard normal distribution's tail and quantile, for intervals and z-tests.
public enum NormalDistribution {
    /// The upper tail `P(Z > z) = erfc(z/√2)/2`, accurate far into the tail.
    public static func upperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }

    /// The quantile `z` with `P(Z ≤ z) = p`: `quantile(0.975)` is 1.959963984540054.
    ///
    /// Newton's method on `log P(Z > z)`, which is concave, so the iteration from the
    /// asymptotic start `√(−2 log q)` converges monotonically for every tail probability `q`.
    ///
    /// - Parameter p: A probability in (0, 1).
    /// - Returns: The quantile; −∞ and +∞ for 0 and 1.
    public static func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "A probability is in [0, 1].")
        if p == 0.5 { return 0 }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        // Solve in the smaller tail, where the tail probability is accurate.
        let q = min(p, 1 - p)
        let target = log(q)
        var z = max(0.5, (-2 * target).squareRoot() - 1)
        for _ in 0..<100 {
            let tail = upperTail(z)
            let density = exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
            // d/dz log Q(z) = −φ(z)/Q(z).
            let step = (log(tail) - target) / (density / tail)
            z += step
            if abs(step) <= 1e-15 * max(1, abs(z)) { break }
        }
        return p < 0.5 ? -z : z
    }
}
