/// The exact distribution of the number of wins among independent leads with win
/// probabilities `p₁ … pₙ` (the Poisson-binomial distribution).
///
/// `P(K = k)` is the coefficient of `zᵏ` in `∏ (1 − pᵢ + pᵢ z)`. The product is computed by
/// divide and conquer: blocks of 64 leads by the direct recursion
/// `P'(k) = (1 − p)·P(k) + p·P(k − 1)`, then pairwise convolution of the blocks' distributions
/// up a balanced tree. After each block and each convolution, the tails are cut while at most
/// `tolerance / (2·cuts)` is dropped at each end, so a partial distribution keeps only the
/// window where its mass lies (about ±9 standard deviations) and the total mass dropped is at
/// most `tolerance` (recorded in `droppedMass`). Every term is a product or sum of
/// non-negative numbers, so rounding is relative (about 1e-15), with no cancellation.
///
/// ```swift
/// let wins = PoissonBinomial.distribution(of: probabilities)
/// let (p10, p50, p90) = (wins.quantile(0.1), wins.quantile(0.5), wins.quantile(0.9))
/// ```
public enum PoissonBinomial {
    /// The distribution of the number of wins.
    ///
    /// - Parameters:
    ///   - probabilities: Win probabilities, each in `0 … 1`.
    ///   - tolerance: The most probability mass that may be dropped from the tails in all;
    ///     default 1e-12. 0 keeps every mass (the full O(n²) distribution).
    /// - Returns: A `LatticeDistribution` with `unit` 1.
    /// - Complexity: O(n·σ²·log n) with `σ² = Σ pᵢ(1 − pᵢ)` when `σ` is large (each level of
    ///   the tree convolves windows of about ±9σ of its blocks), O(n²) at worst; 0.1 s for a
    ///   million leads (see Benchmarks/README.md).
    public static func distribution(of probabilities: [Double], tolerance: Double = 1e-12) -> LatticeDistribution {
        precondition(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "Win probabilities lie in 0…1.")
        precondition(tolerance >= 0 && tolerance < 1, "The tolerance lies in 0..<1.")
        let block = 64
        let blockCount = max(1, (probabilities.count + block - 1) / block)
        let budget = tolerance / Double(2 * (2 * blockCount - 1))
        var dropped = 0.0
        var level: [(offset: Int, masses: [Double])] = []
        level.reserveCapacity(blockCount)
        for start in stride(from: 0, to: max(1, probabilities.count), by: block) {
            var masses: [Double] = [1]
            masses.reserveCapacity(block + 1)
            for p in probabilities[start..<min(probabilities.count, start + block)] {
                masses.append(0)
                let q = 1 - p
                for k in stride(from: masses.count - 1, to: 0, by: -1) {
                    masses[k] = masses[k] * q + masses[k - 1] * p
                }
                masses[0] *= q
            }
            var offset = 0
            dropped += trimTails(&masses, offset: &offset, budget: budget)
            level.append((offset, masses))
        }
        while level.count > 1 {
            var next: [(offset: Int, masses: [Double])] = []
            next.reserveCapacity((level.count + 1) / 2)
            for pair in stride(from: 0, to: level.count, by: 2) {
                guard pair + 1 < level.count else {
                    next.append(level[pair])
                    continue
                }
                var masses = convolve(level[pair].masses, level[pair + 1].masses)
                var offset = level[pair].offset + level[pair + 1].offset
                dropped += trimTails(&masses, offset: &offset, budget: budget)
                next.append((offset, masses))
            }
            level = next
        }
        return LatticeDistribution(unit: 1, offset: level[0].offset, masses: level[0].masses, droppedMass: dropped)
    }
}

/// The convolution of two mass vectors: `c[i + j] = Σ a[i]·b[j]`.
///
/// - Complexity: O(a.count · b.count), as `a.count` scaled additions of `b`, which vectorize.
func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
    let (long, short) = a.count >= b.count ? (a, b) : (b, a)
    var result = [Double](repeating: 0, count: long.count + short.count - 1)
    result.withUnsafeMutableBufferPointer { c in
        long.withUnsafeBufferPointer { l in
            for (i, weight) in short.enumerated() where weight != 0 {
                let target = c.baseAddress! + i
                for j in 0..<l.count { target[j] += weight * l[j] }
            }
        }
    }
    return result
}
