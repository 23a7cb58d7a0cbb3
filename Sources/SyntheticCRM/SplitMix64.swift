import Foundation

/// The seeded random number generator behind every draw of the synthetic CRM (SplitMix64).
///
/// Each lead gets its own generator, seeded from the run's seed and the lead's index, so a
/// lead's draws depend only on the seed and the index, never on the other leads. The integer
/// sequence is the same on every machine; the doubles made from it pass through the C
/// library's `exp`, `log` and `cos`.
struct SplitMix64 {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    init(seed: UInt64) { state = seed }

    /// A generator for the `stream`-th independent sequence of a run seeded with `seed`.
    ///
    /// The two numbers are mixed through one SplitMix64 step each, so neighbouring streams
    /// (leads 41 and 42) start far apart.
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed)
        let a = mixer.next()
        var second = SplitMix64(seed: a ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = second.next()
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1), with 53 random bits.
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform draw in the open interval (0, 1), safe to take the logarithm of `u` and of `1 - u`.
    mutating func openUniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A uniform integer in 0..<count (count ≥ 1), by Lemire's multiply-shift (the tiny bias is
    /// irrelevant for simulation).
    mutating func index(below count: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// True with probability `p`.
    mutating func bernoulli(_ p: Double) -> Bool {
        uniform() < p
    }

    /// A standard normal draw (Box–Muller, one of the pair).
    mutating func normal() -> Double {
        let r = (-2 * log(openUniform())).squareRoot()
        return r * cos(2 * Double.pi * uniform())
    }

    /// A log-normal draw: `median · exp(sigma · Z)`.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// An exponential draw with the given mean.
    mutating func exponential(mean: Double) -> Double {
        -mean * log(openUniform())
    }

    /// A standard logistic draw, the noise of an ordinal logit.
    mutating func logistic() -> Double {
        let u = openUniform()
        return log(u) - log1p(-u)
    }

    /// An index drawn with probability proportional to `weights` (at least one positive).
    mutating func pick(_ weights: WeightTable) -> Int {
        let u = uniform() * weights.total
        for (i, bound) in weights.cumulative.enumerated() where u < bound { return i }
        return weights.cumulative.count - 1
    }
}

/// Relative weights prepared for drawing an index with `SplitMix64.pick(_:)`.
struct WeightTable: Sendable {
    let cumulative: [Double]
    let total: Double

    /// Weights in index order; they need not add up to 1.
    init(_ weights: [Double]) {
        var sum = 0.0
        cumulative = weights.map { sum += $0; return sum }
        total = sum
    }
}
