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

    /// `log1p(e)` for `e` in [0, 1], within a few ulps, from one `log`: `log(u)·e/(u − 1)` with
    /// `u = 1 + e` (Goldberg 1991, "What every computer scientist should know about
    /// floating-point arithmetic", theorem 4). The division by the rounded `u − 1` cancels the
    /// rounding of `u`. It costs about half of `log1p`, which a pass over the rows calls once a row.
    @inline(__always)
    static func log1pOfUnit(_ e: Double) -> Double {
        let u = 1 + e
        return u == 1 ? e : log(u) * (e / (u - 1))
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
    public static func terms(eta: Double, label: Double) -> Terms {
        let e = exp(-abs(eta))
        let onePlus = 1 + e
        let z = label == 1 ? -eta : eta
        let residual: Double
        if label == 1 {
            residual = -(eta >= 0 ? e / onePlus : 1 / onePlus)
        } else {
            residual = eta >= 0 ? 1 / onePlus : e / onePlus
        }
        return Terms(hinge: z > 0 ? z : 0, exponential: e, residual: residual, variance: e / (onePlus * onePlus))
    }

    /// One example's terms (`terms(eta:label:)`): the loss is `hinge + log1p(exponential)`,
    /// kept in two parts so that a pass can sum the logarithms of many rows with one `log`.
    public struct Terms: Sendable {
        /// `max(z, 0)` for `z = (1 − 2y)·η`.
        public let hinge: Double
        /// `exp(−|η|)`, in (0, 1].
        public let exponential: Double
        /// `p − y`.
        public let residual: Double
        /// `p(1 − p)`.
        public let variance: Double

        /// The loss, `log(1 + exp(η)) − y·η`.
        @inline(__always)
        public var loss: Double { hinge + LogisticLoss.log1pOfUnit(exponential) }
    }
}

/// `Σ log1p(eᵢ)` over many `eᵢ` in [0, 1], with one `log` per 16 of them: the product of 16
/// factors `1 + eᵢ` is at most 2¹⁶, and its logarithm is their sum. A factor rounds by at most
/// half an ulp of 1 (1.1e-16), so each row's term is off by at most that, as a row's `log1p`
/// summed one by one is; values below 2⁻²⁶, which would round away, are summed as
/// `e − e²/2` instead. A pass over millions of rows spent a fifth of its time in `log1p`.
struct Log1pSum {
    private var product = 1.0
    private var factors = 0
    private var sum = 0.0

    @inline(__always)
    mutating func add(_ e: Double) {
        if e < 0x1p-26 {
            sum += e * (1 - 0.5 * e)
            return
        }
        product *= 1 + e
        factors += 1
        if factors == 16 {
            sum += log(product)
            product = 1
            factors = 0
        }
    }

    /// The sum of every value added.
    var total: Double { sum + log(product) }
}
