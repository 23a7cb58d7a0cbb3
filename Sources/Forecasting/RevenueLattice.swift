/// The exact distribution of revenue `R = Σ aᵢ·Bᵢ` (`Bᵢ` a win with probability `pᵢ`) when
/// every amount is a whole multiple of a common unit, small enough for the lattice to be
/// walked.
///
/// The unit is the greatest common divisor of the amounts in cents (an amount that is not a
/// whole number of cents has no lattice). With `kᵢ = aᵢ / unit`, leads are added one at a
/// time, smallest amount first, by `P'(s) = (1 − p)·P(s) + p·P(s − k)`; after each lead the
/// tails are cut while at most `tolerance / (2n)` is dropped at each end, so at most
/// `tolerance` is dropped in all (see `LatticeDistribution`).
///
/// The exact path is taken when `states = Σ kᵢ ≤ maxStates` (10⁷: the window's length
/// can never exceed `states + 1`, 80 MB) and the work before any cut,
/// `Σⱼ (k₁ + … + kⱼ + 1)` over the leads in that order, is at most `maxWork` (2·10⁹
/// multiply-adds, about a second); otherwise revenue is simulated (`RevenueSimulation`).
///
/// ```swift
/// if let lattice = RevenueLattice(amounts: [1_000, 2_500, 40_000]) {   // unit 500
///     let revenue = lattice.distribution(probabilities: [0.5, 0.2, 0.1])
///     print(revenue.quantile(0.9))
/// }
/// ```
public struct RevenueLattice: Sendable {
    /// The most lattice states (the sum of the amounts in units) of an exact distribution.
    public static let maxStates = 10_000_000
    /// The most multiply-adds of the walk before any cut.
    public static let maxWork = 2_000_000_000

    /// The value of one lattice step.
    public let unit: Double
    /// Each amount in units.
    public let steps: [Int]

    /// The lattice of `amounts`, or `nil` when an amount is not a whole number of cents
    /// (within 1e-9 relative) or the lattice exceeds `maxStates` or `maxWork`.
    ///
    /// - Parameter amounts: Non-negative, finite amounts.
    public init?(amounts: [Double]) {
        precondition(amounts.allSatisfy { $0 >= 0 && $0.isFinite }, "Amounts are finite and non-negative.")
        var cents: [Int] = []
        cents.reserveCapacity(amounts.count)
        for amount in amounts {
            let scaled = amount * 100
            let whole = scaled.rounded()
            guard abs(scaled - whole) <= 1e-9 * max(1, whole), whole < 9.0e15 else { return nil }
            cents.append(Int(whole))
        }
        var divisor = 0
        for value in cents { divisor = greatestCommonDivisor(divisor, value) }
        if divisor == 0 { divisor = 100 }
        let steps = cents.map { $0 / divisor }
        var states = 0, work = 0
        for step in steps.sorted() {
            states += step
            work += states + 1
            if states > Self.maxStates || work > Self.maxWork { return nil }
        }
        self.unit = Double(divisor) / 100
        self.steps = steps
    }

    /// The distribution of revenue, in steps of `unit`.
    ///
    /// - Parameters:
    ///   - probabilities: Each lead's win probability, in the order of the amounts.
    ///   - tolerance: The most mass dropped from the tails in all; default 1e-12.
    /// - Complexity: O(n · window), the window being about ±9 standard deviations of the
    ///   revenue added so far, at most `states + 1`.
    public func distribution(probabilities: [Double], tolerance: Double = 1e-12) -> LatticeDistribution {
        precondition(probabilities.count == steps.count, "One probability per amount.")
        precondition(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "Win probabilities lie in 0…1.")
        let order = steps.indices.sorted { (steps[$0], $0) < (steps[$1], $1) }
        let budget = tolerance / Double(2 * max(1, steps.count))
        var masses: [Double] = [1]
        var offset = 0
        var dropped = 0.0
        for lead in order where steps[lead] > 0 {
            let k = steps[lead], p = probabilities[lead], q = 1 - p
            let count = masses.count
            masses = masses.withUnsafeBufferPointer { source in
                [Double](unsafeUninitializedCapacity: count + k) { target, initialized in
                    addLead(source.baseAddress!, count: count, q: q, p: p, shift: k, into: target.baseAddress!)
                    initialized = count + k
                }
            }
            dropped += trimTails(&masses, offset: &offset, budget: budget)
        }
        return LatticeDistribution(unit: unit, offset: offset, masses: masses, droppedMass: dropped)
    }
}

/// `target[s] = q·source[s] + p·source[s − shift]` for `s < count + shift` (terms outside
/// `source` are 0): one lead added to the lattice walk, into uninitialized memory.
@inline(__always)
private func addLead(_ source: UnsafePointer<Double>, count: Int, q: Double, p: Double, shift: Int,
                     into target: UnsafeMutablePointer<Double>) {
    target.initialize(repeating: 0, count: count + shift)
    var s = 0
    while s < count {
        target[s] = q * source[s]
        s += 1
    }
    let shifted = target + shift
    s = 0
    while s < count {
        shifted[s] += p * source[s]
        s += 1
    }
}

func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}
