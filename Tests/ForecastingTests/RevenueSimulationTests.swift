import Forecasting
import TestSupport
import Testing

struct RevenueSimulationTests {
    /// A pipeline on a lattice, so that the simulation can be checked against the exact answer.
    func pipeline(_ n: Int, seed: UInt64) -> (p: [Double], amounts: [Double]) {
        var generator = SeededGenerator(seed: seed)
        let p = (0..<n).map { _ in Double.random(in: 0...0.6, using: &generator) }
        let amounts = (0..<n).map { _ in Double(Int.random(in: 1...400, using: &generator)) * 100 }
        return (p, amounts)
    }

    @Test("Simulated quantiles lie within 4 stated standard errors of the exact ones")
    func againstExact() throws {
        let (p, amounts) = pipeline(300, seed: 17)
        let exact = try #require(RevenueLattice(amounts: amounts)).distribution(probabilities: p)
        let simulated = RevenueSimulation(probabilities: p, amounts: amounts).run(simulations: 40_000, seed: 9, threads: 2)[0]
        let levels = [(0.1, simulated.values.p10, simulated.standardErrors.p10),
                      (0.5, simulated.values.p50, simulated.standardErrors.p50),
                      (0.9, simulated.values.p90, simulated.standardErrors.p90)]
        let sd = exact.variance.squareRoot()
        for (q, value, error) in levels {
            // The error estimate is of the right size: for a near-normal total, √(q(1−q)/N)/φ(z_q)·σ.
            #expect(error > 0.002 * sd && error < 0.03 * sd)
            #expect(abs(value - exact.quantile(q)) <= 4 * error + 100, "q = \(q)")
        }
    }

    @Test("Groups' simulated revenue matches their exact distributions, and the thread count changes nothing")
    func groupsAndThreads() throws {
        let (p, amounts) = pipeline(200, seed: 23)
        let groups = p.indices.map { Int32($0 % 3) }
        let simulation = RevenueSimulation(probabilities: p, amounts: amounts)
        let targets = (0..<3).map { RevenueSimulation.Target(grouping: 0, group: $0) }
        let one = simulation.run(groupings: [groups], groupCounts: [3], recorded: targets, simulations: 20_000, seed: 4, threads: 1)
        let two = simulation.run(groupings: [groups], groupCounts: [3], recorded: targets, simulations: 20_000, seed: 4, threads: 2)
        #expect(one == two)
        for g in 0..<3 {
            let members = p.indices.filter { groups[$0] == Int32(g) }
            let exact = try #require(RevenueLattice(amounts: members.map { amounts[$0] }))
                .distribution(probabilities: members.map { p[$0] })
            let simulated = one[g + 1]
            #expect(abs(simulated.values.p50 - exact.quantile(0.5)) <= 4 * simulated.standardErrors.p50 + 100)
            #expect(abs(simulated.values.p90 - exact.quantile(0.9)) <= 4 * simulated.standardErrors.p90 + 100)
        }
        // Another seed gives other draws.
        #expect(simulation.run(simulations: 2_000, seed: 5)[0] != simulation.run(simulations: 2_000, seed: 6)[0])
    }

    @Test("Sure wins and sure losses are never drawn otherwise")
    func certainLeads() {
        let result = RevenueSimulation(probabilities: [1, 0, 1], amounts: [10, 1_000, 5]).run(simulations: 500, seed: 1)[0]
        #expect(result.values == ForecastRange(p10: 15, p50: 15, p90: 15))
        #expect(result.standardErrors == ForecastRange(p10: 0, p50: 0, p90: 0))
    }

    @Test("The default run count is 100,000, fewer for pipelines past 20,000 leads")
    func defaultRuns() {
        #expect(RevenueSimulation.defaultSimulations(leads: 659) == 100_000)
        #expect(RevenueSimulation.defaultSimulations(leads: 1_000_000) == 2_000)
        #expect(RevenueSimulation.defaultSimulations(leads: 100_000_000) == 1_000)
    }
}
