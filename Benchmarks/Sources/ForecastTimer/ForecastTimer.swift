import ArgumentParser
import BenchmarkSupport
import Forecasting
import Foundation

/// Times the forecast's distributions on a seeded synthetic pipeline and prints one JSON object.
///
/// Probabilities are `u₁·u₂` of two uniforms (mean 0.25, skewed low like a real pipeline);
/// amounts are `100 · ⌈exp(N(6, 1))⌉` (whole hundreds, median about 40,000), so that the
/// lattice has unit 100 but far too many states for the exact path at a million leads and
/// revenue is simulated. Timed separately, each the median of `--repeats` runs:
/// `PoissonBinomial.distribution` (wins), `RevenueSimulation.run` with `--simulations` runs
/// (default: `RevenueSimulation.defaultSimulations`, 2,000 at a million leads) on `--threads`
/// threads, and the exact `RevenueLattice` path on the first `--lattice-leads` leads.
///
///     forecast-timer --leads 1000000 --threads 2 --repeats 3
@main
struct ForecastTimer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast-timer",
        abstract: "Time the Poisson-binomial and revenue distributions on a synthetic pipeline and print JSON."
    )

    @Option(help: "Open leads.")
    var leads: Int = 1_000_000

    @Option(help: "Monte Carlo runs for revenue; default RevenueSimulation.defaultSimulations(leads:).")
    var simulations: Int?

    @Option(help: "Threads for the simulation.")
    var threads: Int = 1

    @Option(help: "Leads (the first ones) for the exact revenue lattice.")
    var latticeLeads: Int = 2_000

    @Option(help: "Timed runs; the median is reported.")
    var repeats: Int = 3

    func run() throws {
        var random = SplitMix64(seed: 20260501)
        var probabilities: [Double] = []
        var amounts: [Double] = []
        for _ in 0..<leads {
            probabilities.append(Double.random(in: 0...1, using: &random) * Double.random(in: 0...1, using: &random))
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random), u2 = Double.random(in: 0..<1, using: &random)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            amounts.append(100 * exp(6 + normal).rounded(.up))
        }
        let runs = simulations ?? RevenueSimulation.defaultSimulations(leads: leads)
        let clock = ContinuousClock()
        func time(_ body: () -> Double) -> (median: Double, runs: [Double], check: Double) {
            var seconds: [Double] = []
            var check = 0.0
            for _ in 0..<repeats {
                let start = clock.now
                check = body()
                let elapsed = clock.now - start
                seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            return (seconds.sorted()[seconds.count / 2], seconds, check)
        }
        var window = 0
        let wins = time {
            let distribution = PoissonBinomial.distribution(of: probabilities)
            window = distribution.masses.count
            return distribution.quantile(0.9)
        }
        let simulation = RevenueSimulation(probabilities: probabilities, amounts: amounts)
        var errors = ForecastRange(p10: 0, p50: 0, p90: 0)
        let revenue = time {
            let result = simulation.run(simulations: runs, seed: 1, threads: threads)[0]
            errors = result.standardErrors
            return result.values.p90
        }
        let head = Array(0..<min(latticeLeads, leads))
        let lattice = RevenueLattice(amounts: head.map { amounts[$0] })
        let exact = time {
            lattice.map { $0.distribution(probabilities: head.map { probabilities[$0] }).quantile(0.9) } ?? .nan
        }
        let report = Report(
            leads: leads, threads: threads, winsSeconds: wins.median, winsRuns: wins.runs, winsWindow: window,
            winsP90: wins.check, simulations: runs, revenueSeconds: revenue.median, revenueRuns: revenue.runs,
            revenueP90: revenue.check, revenueP90StandardError: errors.p90, latticeLeads: head.count,
            latticeStates: lattice.map { $0.steps.reduce(0, +) }, latticeSeconds: exact.median, latticeP90: exact.check)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }

    /// What one invocation prints.
    struct Report: Encodable {
        let leads, threads: Int
        let winsSeconds: Double
        let winsRuns: [Double]
        let winsWindow: Int
        let winsP90: Double
        let simulations: Int
        let revenueSeconds: Double
        let revenueRuns: [Double]
        let revenueP90, revenueP90StandardError: Double
        let latticeLeads: Int
        let latticeStates: Int?
        let latticeSeconds, latticeP90: Double
    }
}
