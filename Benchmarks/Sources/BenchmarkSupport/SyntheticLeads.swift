import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded synthetic propensity-to-close data set: features on mixed scales and 0/1 labels
/// drawn from a logistic model.
///
/// Column `j` is `μⱼ + σⱼ·(zᵢⱼ + 0.3·zᵢ,ⱼ₋₁)` with independent standard normal `z`, so
/// neighbouring columns are mildly correlated but the design stays well conditioned (the
/// mixing matrix's singular values lie in [0.7, 1.3]). Every eighth column is instead a 0/1
/// indicator with rate 0.3, like a CRM flag. The scales `σⱼ` run over 10⁻³ … 10³ and the
/// means over ±2σⱼ, as raw CRM columns (days, dollars, ratios) do. Labels follow
/// `P(y = 1) = 1 / (1 + exp(−η))` with a linear predictor of standard deviation about 1.5
/// and an intercept that makes about 30% of the labels positive: the classes overlap, so the
/// data are never separable and an unpenalized fit exists.
///
///     let leads = SyntheticLeads(rows: 100_000, columns: 32, seed: 1)
///     let data = try TrainingData(features: leads.features, labels: leads.labels)
public struct SyntheticLeads: Sendable {
    /// The features, `rows × columns`.
    public let features: Matrix
    /// The labels, 0 or 1.
    public let labels: [Double]

    /// Generates the data set.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, at least 1.
    ///   - columns: The number of features, at least 1.
    ///   - seed: Fixes every value.
    ///   - batch: With a batch number, the rows are drawn from a stream of their own for that
    ///     batch while the model (scales, means, coefficients) stays that of `seed`: batches
    ///     1, 2, 3, … are successive parts of one large data set, generated a part at a time.
    /// - Complexity: O(rows × columns).
    public init(rows: Int, columns: Int, seed: UInt64, batch: UInt64? = nil) {
        precondition(rows >= 1 && columns >= 1)
        var random = SplitMix64(seed: seed)
        // Per-column scale, mean and coefficient (the latter in standardized units).
        let scales = (0..<columns).map { pow(10, Double($0 % 7) - 3) }
        let means = scales.map { $0 * (4 * random.nextOpenUnit() - 2) }
        let spread = 1.5 / Double(columns).squareRoot()
        let gamma = (0..<columns).map { _ in spread * random.nextNormalPair().0 }
        // logit(0.3), widened by the probit approximation √(1 + π s²/8) for s ≈ 1.5.
        let intercept = log(0.3 / 0.7) * (1 + Double.pi * 1.5 * 1.5 / 8).squareRoot()
        if let batch { random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ batch) }

        var x = [Double](repeating: 0, count: rows * columns)
        var y = [Double](repeating: 0, count: rows)
        var z = [Double](repeating: 0, count: columns + 1)
        for i in 0..<rows {
            var k = 0
            while k <= columns {
                let (a, b) = random.nextNormalPair()
                z[k] = a
                if k + 1 <= columns { z[k + 1] = b }
                k += 2
            }
            var eta = intercept
            for j in 0..<columns {
                let standard: Double
                if j % 8 == 7 {
                    let flag: Double = random.nextOpenUnit() < 0.3 ? 1 : 0
                    standard = (flag - 0.3) / (0.3 * 0.7).squareRoot()
                    x[i * columns + j] = flag
                } else {
                    // z[j] is column j - 1's draw; column 0 mixes in the spare z[columns].
                    let previous = j == 0 ? z[columns] : z[j - 1]
                    standard = (z[j] + 0.3 * previous) / 1.09.squareRoot()
                    x[i * columns + j] = means[j] + scales[j] * standard
                }
                eta += gamma[j] * standard
            }
            y[i] = random.nextOpenUnit() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        features = Matrix(rows: rows, columns: columns, elements: x)
        labels = y
    }

    /// The share of positive labels.
    public var positiveRate: Double {
        labels.reduce(0, +) / Double(labels.count)
    }
}
