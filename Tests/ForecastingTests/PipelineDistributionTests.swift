import Forecasting
import TestSupport
import Testing

struct PipelineDistributionTests {
    @Test("Groups partition the leads, sort by value with (missing) last, and add up to the total")
    func groups() throws {
        var generator = SeededGenerator(seed: 8)
        let n = 400
        let p = (0..<n).map { _ in Double.random(in: 0...0.8, using: &generator) }
        let amounts = (0..<n).map { $0 % 50 == 0 ? Double.nan : Double(Int.random(in: 1...300, using: &generator)) * 50 }
        let labels = (0..<n).map { ["web", "(missing)", "referral", "ads"][$0 % 4] }
        let section = PipelineDistribution.section(asOf: "2025-07-01T00:00:00Z", probabilities: p, amounts: amounts,
                                                   groupings: [(field: "source", labels: labels)])
        let groups = section.breakdowns[0].groups
        #expect(groups.map(\.group) == ["ads", "referral", "web", "(missing)"])
        #expect(groups.map(\.leads).reduce(0, +) == n)
        #expect(section.total.leadsWithoutAmount == 8)
        #expect(abs(groups.map(\.expectedWins).reduce(0, +) - p.reduce(0, +)) <= 1e-9)
        var expectedRevenue = 0.0
        for i in 0..<n where !amounts[i].isNaN { expectedRevenue += p[i] * amounts[i] }
        #expect(abs(section.total.expectedRevenue - expectedRevenue) <= 1e-6)
        #expect(abs(groups.map(\.expectedRevenue).reduce(0, +) - expectedRevenue) <= 1e-6)
        // Each group's wins are the Poisson-binomial of its own leads.
        let web = (0..<n).filter { labels[$0] == "web" }
        let wins = PoissonBinomial.distribution(of: web.map { p[$0] })
        #expect(groups[2].wins == ForecastRange(p10: wins.quantile(0.1), p50: wins.quantile(0.5), p90: wins.quantile(0.9)))
        #expect(section.total.revenueMethod == .exact && section.total.revenueUnit == 50)
    }

    @Test("Amounts off the cent grid are simulated; the ranges match the exact ones of the amounts in cents")
    func simulated() throws {
        var generator = SeededGenerator(seed: 9)
        let n = 300
        let p = (0..<n).map { _ in Double.random(in: 0...0.7, using: &generator) }
        let cents = (0..<n).map { _ in Double(Int.random(in: 1...2_000, using: &generator)) * 10 }
        let amounts = cents.map { $0 + 0.0004 }  // not whole cents: no lattice
        let labels = (0..<n).map { $0 % 2 == 0 ? "even" : "odd" }
        let section = PipelineDistribution.section(
            asOf: "2025-07-01T00:00:00Z", probabilities: p, amounts: amounts, groupings: [(field: "parity", labels: labels)],
            settings: ForecastSettings(simulations: 20_000, seed: 3, threads: 2))
        for (forecast, members) in [(section.total, Array(0..<n))] + section.breakdowns[0].groups.map { group in
            (group, (0..<n).filter { labels[$0] == group.group })
        } {
            #expect(forecast.revenueMethod == .simulation && forecast.simulations == 20_000 && forecast.seed == 3)
            let errors = try #require(forecast.revenueStandardErrors)
            let exact = try #require(RevenueLattice(amounts: members.map { cents[$0] }))
                .distribution(probabilities: members.map { p[$0] })
            // 0.12: the most the 0.0004 offsets add up to.
            #expect(abs(forecast.revenue.p10 - exact.quantile(0.1)) <= 4 * errors.p10 + 10.12)
            #expect(abs(forecast.revenue.p50 - exact.quantile(0.5)) <= 4 * errors.p50 + 10.12)
            #expect(abs(forecast.revenue.p90 - exact.quantile(0.9)) <= 4 * errors.p90 + 10.12)
        }
    }
}

struct ForecastQuarterTests {
    @Test("Quarters read, start and step as the calendar says")
    func quarters() {
        #expect(ForecastQuarter(parsing: "2025Q2") == ForecastQuarter(year: 2025, quarter: 2))
        #expect(ForecastQuarter(parsing: "2025-q4")?.next == ForecastQuarter(year: 2026, quarter: 1))
        #expect(ForecastQuarter(parsing: "2025Q0") == nil && ForecastQuarter(parsing: "25Q1") == nil)
        #expect(ForecastQuarter(year: 2025, quarter: 2).start == 1_743_465_600)  // 2025-04-01T00:00:00Z
        #expect(ForecastQuarter(containing: 1_743_465_599) == ForecastQuarter(year: 2025, quarter: 1))
        #expect(ForecastQuarter(year: 2025, quarter: 1).previous.description == "2024Q4")
    }
}
