/// A probability distribution on the points `unit · k` of a lattice, held as the masses of a
/// window of consecutive `k`, `offset ..< offset + masses.count`: the number of wins
/// (`unit` 1), or revenue whose amounts are whole multiples of `unit`.
///
/// Points outside the window carry the mass the computation dropped from the tails, at most
/// `droppedMass` in all: every kept mass is at most the true one, so the computed CDF `F̃`
/// satisfies `F(k) − droppedMass ≤ F̃(k) ≤ F(k)` (up to rounding, about 1e-15 relative).
///
/// ```swift
/// let wins = PoissonBinomial.distribution(of: [0.2, 0.5, 0.9])
/// wins.quantile(0.5)       // 2.0: the smallest k with P(wins ≤ k) ≥ 0.5
/// wins.mass(atStep: 3)     // 0.09 = 0.2 · 0.5 · 0.9
/// ```
public struct LatticeDistribution: Equatable, Sendable {
    /// The value of one step of the lattice.
    public let unit: Double
    /// The step of `masses[0]`.
    public let offset: Int
    /// The probabilities of the steps `offset, offset + 1, …`.
    public let masses: [Double]
    /// An upper bound on the probability outside the window (the sum of the dropped masses).
    public let droppedMass: Double

    public init(unit: Double, offset: Int, masses: [Double], droppedMass: Double) {
        self.unit = unit
        self.offset = offset
        self.masses = masses
        self.droppedMass = droppedMass
    }

    /// The probability of step `k`, `P(X = k · unit)` (0 outside the window).
    public func mass(atStep k: Int) -> Double {
        let index = k - offset
        return masses.indices.contains(index) ? masses[index] : 0
    }

    /// `P(X ≤ k · unit)` as computed (at most `droppedMass` below the true value).
    public func cumulative(atStep k: Int) -> Double {
        let end = min(masses.count, k - offset + 1)
        guard end > 0 else { return 0 }
        return masses[0..<end].reduce(0, +)
    }

    /// The `q`-quantile: the smallest lattice point `x` with `P(X ≤ x) ≥ q`, as a value
    /// (`step · unit`).
    ///
    /// - Parameter q: A probability in `0 … 1`.
    public func quantile(_ q: Double) -> Double { Double(quantileSteps([q])[0]) * unit }

    /// The quantiles of `levels` in steps, in one pass over the masses: for each `q`, the
    /// smallest `k` with computed `P(X ≤ k) ≥ q`; the window's last step when rounding leaves
    /// the total just under `q`.
    ///
    /// - Complexity: O(window + levels · log levels).
    public func quantileSteps(_ levels: [Double]) -> [Int] {
        precondition(levels.allSatisfy { (0...1).contains($0) }, "Quantile levels lie in 0…1.")
        let order = levels.indices.sorted { levels[$0] < levels[$1] }
        var result = [Int](repeating: offset + masses.count - 1, count: levels.count)
        var next = 0
        var cumulative = 0.0
        for (index, mass) in masses.enumerated() {
            cumulative += mass
            while next < order.count, cumulative >= levels[order[next]] {
                result[order[next]] = offset + index
                next += 1
            }
            if next == order.count { break }
        }
        return result
    }

    /// The mean of the kept masses, as a value.
    public var mean: Double {
        var sum = 0.0
        for (index, mass) in masses.enumerated() { sum += Double(index) * mass }
        return (Double(offset) + sum / masses.reduce(0, +)) * unit
    }

    /// The variance of the kept masses, as a value squared.
    public var variance: Double {
        let total = masses.reduce(0, +)
        var first = 0.0
        for (index, mass) in masses.enumerated() { first += Double(index) * mass }
        let center = first / total
        var second = 0.0
        for (index, mass) in masses.enumerated() { second += (Double(index) - center) * (Double(index) - center) * mass }
        return second / total * unit * unit
    }
}

/// Drops masses from both ends of `masses` while the mass dropped at each end stays within
/// `budget`, and returns the mass dropped. Keeps at least one entry.
func trimTails(_ masses: inout [Double], offset: inout Int, budget: Double) -> Double {
    var low = 0, lowMass = 0.0
    while low < masses.count - 1, lowMass + masses[low] <= budget {
        lowMass += masses[low]
        low += 1
    }
    var high = masses.count - 1, highMass = 0.0
    while high > low, highMass + masses[high] <= budget {
        highMass += masses[high]
        high -= 1
    }
    if low > 0 || high < masses.count - 1 {
        masses = Array(masses[low...high])
        offset += low
    }
    return lowMass + highMass
}
