import Dispatch
import Synchronization

/// Seeded Monte Carlo simulation of revenue `R = Σ aᵢ·Bᵢ` over independent leads, for the
/// whole pipeline and for groups of it at once, when the amounts have no small lattice.
///
/// Run `r` draws, for every lead `i`, the 64-bit number `x = SplitMix64(key(seed, r) + (i + 1)·γ)`
/// and counts a win when `x >> 11 < pᵢ·2⁵³`: each run's draws depend only on the seed and the
/// run's number, so the result is the same on any number of threads.
///
/// A quantile is the smallest simulated revenue with an empirical CDF ≥ q (the `⌈qN⌉`-th
/// smallest of N runs). Its Monte Carlo standard error is estimated without a density: the
/// order statistics `l, u = qN ∓ 1.96·√(N q (1 − q))` bound a distribution-free 95%
/// confidence interval for the true quantile, and `(x₍ᵤ₎ − x₍ₗ₎) / (2·1.96)` is reported.
///
/// ```swift
/// let simulation = RevenueSimulation(probabilities: p, amounts: a)
/// let total = simulation.run(simulations: 100_000, seed: 42)[0]
/// print(total.values.p10, total.standardErrors.p10)
/// ```
public struct RevenueSimulation: Sendable {
    /// The default number of runs: 100,000, lowered to `2·10⁹ / leads` (at least 1,000) for
    /// pipelines of more than 20,000 leads, so that a million leads take seconds.
    public static func defaultSimulations(leads: Int) -> Int {
        min(100_000, max(1_000, 2_000_000_000 / max(1, leads)))
    }

    /// Per lead, the win threshold `pᵢ·2⁵³` and the amount.
    let thresholds: [UInt64]
    let amounts: [Double]

    /// - Parameters:
    ///   - probabilities: Win probabilities in `0 … 1`.
    ///   - amounts: Non-negative amounts, one per probability.
    public init(probabilities: [Double], amounts: [Double]) {
        precondition(probabilities.count == amounts.count, "One amount per probability.")
        precondition(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "Win probabilities lie in 0…1.")
        thresholds = probabilities.map { UInt64(($0 * 9_007_199_254_740_992).rounded(.down)) }
        self.amounts = amounts
    }

    /// Simulated quantiles of a revenue total, with their Monte Carlo standard errors.
    public struct Quantiles: Equatable, Sendable {
        public var values: ForecastRange
        public var standardErrors: ForecastRange
    }

    /// A group of leads whose revenue is recorded: group `group` of grouping `grouping`.
    public struct Target: Hashable, Sendable {
        public var grouping: Int
        public var group: Int
        public init(grouping: Int, group: Int) {
            self.grouping = grouping
            self.group = group
        }
    }

    /// Runs the simulation and returns the quantiles of the total revenue, then of each
    /// recorded group's.
    ///
    /// - Parameters:
    ///   - groupings: Partitions of the leads: per grouping, per lead, its group in
    ///     `0 ..< groupCounts[grouping]`, or -1 for none.
    ///   - recorded: The groups whose revenue is wanted, besides the total.
    ///   - simulations: The number of runs N ≥ 1.
    ///   - seed: The seed; the same seed, runs and leads give the same numbers.
    ///   - threads: Threads to run on; the result does not depend on it.
    /// - Returns: `[total] + recorded.map { group's }`.
    /// - Complexity: O(N · n) draws, plus O(N log N) per recorded total.
    public func run(groupings: [[Int32]] = [], groupCounts: [Int] = [], recorded: [Target] = [], simulations: Int,
                    seed: UInt64, threads: Int = 1) -> [Quantiles] {
        precondition(simulations >= 1, "At least one run.")
        precondition(groupings.count == groupCounts.count && groupings.allSatisfy { $0.count == self.amounts.count },
                     "One group per lead in each grouping.")
        var starts = [0]
        for count in groupCounts { starts.append(starts.last! + count) }
        let slotStart = starts
        let recordedSlots = recorded.map { slotStart[$0.grouping] + $0.group }
        let targets = 1 + recorded.count
        let samples = Mutex([[Double]](repeating: [Double](repeating: 0, count: simulations), count: targets))
        let chunk = 64
        let chunks = (simulations + chunk - 1) / chunk
        let nextChunk = Atomic<Int>(0)
        let workers = max(1, min(threads, chunks))
        let thresholds = self.thresholds, amounts = self.amounts
        // Per lead, its slot in each grouping (slots of all groupings side by side), -1 for none.
        let leadSlots: [Int32] = groupings.isEmpty ? [] : (0..<amounts.count).flatMap { lead in
            groupings.indices.map { g in groupings[g][lead] < 0 ? -1 : Int32(slotStart[g]) + groupings[g][lead] }
        }
        let width = groupings.count
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var sums = [Double](repeating: 0, count: max(1, slotStart.last!))
            var local = [Double](repeating: 0, count: targets * chunk)
            while true {
                let c = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                guard c < chunks else { break }
                let first = c * chunk, last = min(simulations, first + chunk)
                for run in first..<last {
                    var key = mix(seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(run + 1))
                    key = mix(key ^ 0xD1B5_4A32_D192_ED03)
                    var total = 0.0
                    thresholds.withUnsafeBufferPointer { thresholds in
                        amounts.withUnsafeBufferPointer { amounts in
                            if width == 0 {
                                for i in 0..<thresholds.count {
                                    key &+= 0x9E37_79B9_7F4A_7C15
                                    if mix(key) >> 11 < thresholds[i] { total += amounts[i] }
                                }
                            } else {
                                for s in sums.indices { sums[s] = 0 }
                                for i in 0..<thresholds.count {
                                    key &+= 0x9E37_79B9_7F4A_7C15
                                    if mix(key) >> 11 < thresholds[i] {
                                        total += amounts[i]
                                        for g in 0..<width {
                                            let slot = Int(leadSlots[i * width + g])
                                            if slot >= 0 { sums[slot] += amounts[i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    local[run - first] = total
                    for (t, slot) in recordedSlots.enumerated() { local[(t + 1) * chunk + run - first] = sums[slot] }
                }
                samples.withLock { samples in
                    for t in 0..<targets {
                        for run in first..<last { samples[t][run] = local[t * chunk + run - first] }
                    }
                }
            }
        }
        return samples.withLock { all in all.map { Self.quantiles(of: $0) } }
    }

    /// The three quantiles of `values` and their standard errors.
    static func quantiles(of values: [Double]) -> Quantiles {
        let sorted = values.sorted()
        let n = sorted.count
        // The i-th smallest (1-based), clamped to the sample.
        func orderStatistic(_ rank: Int) -> Double { sorted[min(n, max(1, rank)) - 1] }
        func quantile(_ percent: Int) -> (Double, Double) {
            // ⌈qN⌉ in integers, so that 0.1 · 100,000 is 10,000 exactly.
            let rank = (percent * n + 99) / 100
            let q = Double(percent) / 100
            let half = 1.96 * (Double(n) * q * (1 - q)).squareRoot()
            let upper = orderStatistic(Int((Double(n) * q + half).rounded(.up)))
            let lower = orderStatistic(Int((Double(n) * q - half).rounded(.down)))
            return (orderStatistic(rank), (upper - lower) / 3.92)
        }
        let (a, ea) = quantile(10), (b, eb) = quantile(50), (c, ec) = quantile(90)
        return Quantiles(values: ForecastRange(p10: a, p50: b, p90: c), standardErrors: ForecastRange(p10: ea, p50: eb, p90: ec))
    }
}

/// SplitMix64's output function.
@inline(__always)
func mix(_ state: UInt64) -> UInt64 {
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
