import Foundation

/// Numerically stable scalar functions of the logistic model.
///
/// Every function here is finite for every finite `η`, up to ±1.79e308: none forms `exp(η)`
/// for positive `η` or takes the logarithm of a probability.
public enum LogisticLoss {
    /// `log(1 + exp(z))`, without overflow: `max(z, 0) + log1p(exp(−|z|))`.
    @inline(__always)
    public static func log1pExp(_ z: Double) -> Double {
        z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
    }

    /// The negative log-likelihood of one example, `log(1 + exp(η)) − y·η`, for `y` in {0, 1}.
    ///
    /// Written as `log1pExp((1 − 2y)·η)`, which avoids subtracting two large numbers when the
    /// prediction is confident.
    @inline(__always)
    public static func loss(eta: Double, label: Double) -> Double {
        log1pExp(label == 1 ? -eta : eta)
    }

    /// The probability `1 / (1 + exp(−η))`.
    @inline(__always)
    public static func probability(eta: Double) -> Double {
        if eta >= 0 { return 1 / (1 + exp(-eta)) }
        let e = exp(eta)
        return e / (1 + e)
    }

    /// `p·(1 − p)` for `p = probability(eta:)`, accurate even where `p` rounds to 0 or 1.
    @inline(__always)
    public static func variance(eta: Double) -> Double {
        let e = exp(-abs(eta))
        return e / ((1 + e) * (1 + e))
    }

    /// The loss, the residual `p − y` and the variance `p(1 − p)` of one example, from a single
    /// `exp`: with `e = exp(−|η|)`, `p = 1/(1 + e)` or `e/(1 + e)` by the sign of `η`, and the
    /// loss is `max(z, 0) + log1p(e)` for `z = (1 − 2y)·η`. The residual of a positive example is
    /// computed as `−(1 − p)`, which keeps its relative accuracy when `p` is close to 1.
    @inline(__always)
    public static func terms(eta: Double, label: Double) -> (loss: Double, residual: Double, variance: Double) {
        let e = exp(-abs(eta))
        let onePlus = 1 + e
        let z = label == 1 ? -eta : eta
        let loss = (z > 0 ? z : 0) + log1p(e)
        let residual: Double
        if label == 1 {
            residual = -(eta >= 0 ? e / onePlus : 1 / onePlus)
        } else {
            residual = eta >= 0 ? 1 / onePlus : e / onePlus
        }
        return (loss, residual, e / (onePlus * onePlus))
    }
}
