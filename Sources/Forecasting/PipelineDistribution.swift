/// How forecast distributions are computed.
public struct ForecastSettings: Equatable, Sendable {
    /// The most probability mass an exact distribution may drop from its tails; default 1e-12.
    public var tolerance: Double
    /// Monte Carlo runs for revenue without a small lattice; `nil` for
    /// `RevenueSimulation.defaultSimulations(leads:)`.
    public var simulations: Int?
    /// The simulation's seed; default 1.
    public var seed: UInt64
    /// Threads for the simulation; the result does not depend on it.
    public var threads: Int

    public init(tolerance: Double = 1e-12, simulations: Int? = nil, seed: UInt64 = 1, threads: Int = 1) {
        self.tolerance = tolerance
        self.simulations = simulations
        self.seed = seed
        self.threads = threads
    }
}

/// The label of a lead whose grouping value is missing.
public let missingGroupLabel = "(missing)"

/// Forecasts of a set of leads from their win probabilities and amounts: the whole set and
/// each group of each grouping.
///
/// ```swift
/// let section = PipelineDistribution.section(
///     asOf: "2025-07-01T00:00:00Z", probabilities: [0.3, 0.6, 0.1], amounts: [10_000, 25_000, .nan],
///     groupings: [(field: "source", labels: ["referral", "web", "web"])])
/// print(section.total.expectedWins, section.total.wins.p90, section.breakdowns[0].groups.map(\.group))
/// ```
public enum PipelineDistribution {
    /// The forecast of every lead together and of each group.
    ///
    /// - Parameters:
    ///   - probabilities: Win probabilities in `0 … 1`.
    ///   - amounts: Per lead, its amount; NaN or negative for none (left out of revenue).
    ///   - groupings: Per grouping, its name and each lead's group label (`missingGroupLabel`
    ///     for a missing value). Groups are sorted by label, `(missing)` last.
    ///   - settings: Tolerance, simulation runs, seed and threads.
    public static func section(asOf: String, probabilities: [Double], amounts: [Double],
                               groupings: [(field: String, labels: [String])],
                               settings: ForecastSettings = ForecastSettings()) -> PipelineSection {
        precondition(amounts.count == probabilities.count && groupings.allSatisfy { $0.labels.count == probabilities.count },
                     "One amount and one label per lead.")
        let hasAmount = amounts.map { $0 >= 0 && $0.isFinite }
        // Per grouping: the sorted group labels and each lead's group index.
        var groupNames: [[String]] = []
        var memberships: [[Int32]] = []
        for grouping in groupings {
            let names = Set(grouping.labels).sorted { a, b in
                (a == missingGroupLabel ? 1 : 0, a) < (b == missingGroupLabel ? 1 : 0, b)
            }
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
            groupNames.append(names)
            memberships.append(grouping.labels.map { index[$0]! })
        }

        // The exact part of every forecast; revenue without a lattice waits for the simulation.
        let members: [[[Int]]] = groupNames.indices.map { g in
            var lists = [[Int]](repeating: [], count: groupNames[g].count)
            for (lead, group) in memberships[g].enumerated() { lists[Int(group)].append(lead) }
            return lists
        }
        var needsSimulation: [RevenueSimulation.Target?] = []  // nil: the total
        func forecast(_ name: String, _ leads: [Int], target: RevenueSimulation.Target?) -> GroupForecast {
            let p = leads.map { probabilities[$0] }
            let wins = PoissonBinomial.distribution(of: p, tolerance: settings.tolerance)
            let winSteps = wins.quantileSteps([0.1, 0.5, 0.9])
            let withAmount = leads.filter { hasAmount[$0] }
            let revenueAmounts = withAmount.map { amounts[$0] }
            let revenueProbabilities = withAmount.map { probabilities[$0] }
            var expectedRevenue = 0.0
            for (p, a) in zip(revenueProbabilities, revenueAmounts) { expectedRevenue += p * a }
            var result = GroupForecast(
                group: name, leads: leads.count, leadsWithoutAmount: leads.count - withAmount.count,
                expectedWins: p.reduce(0, +),
                wins: ForecastRange(p10: Double(winSteps[0]), p50: Double(winSteps[1]), p90: Double(winSteps[2])),
                winsDroppedMass: wins.droppedMass, expectedRevenue: expectedRevenue,
                revenue: ForecastRange(p10: 0, p50: 0, p90: 0), revenueMethod: .exact)
            if let lattice = RevenueLattice(amounts: revenueAmounts) {
                let revenue = lattice.distribution(probabilities: revenueProbabilities, tolerance: settings.tolerance)
                let steps = revenue.quantileSteps([0.1, 0.5, 0.9])
                result.revenue = ForecastRange(p10: Double(steps[0]) * lattice.unit, p50: Double(steps[1]) * lattice.unit,
                                               p90: Double(steps[2]) * lattice.unit)
                result.revenueUnit = lattice.unit
                result.revenueDroppedMass = revenue.droppedMass
            } else {
                result.revenueMethod = .simulation
                needsSimulation.append(target)
            }
            return result
        }

        var total = forecast("total", Array(probabilities.indices), target: nil)
        var breakdowns = groupings.indices.map { g in
            ForecastBreakdown(field: groupings[g].field, groups: groupNames[g].indices.map { k in
                forecast(groupNames[g][k], members[g][k], target: RevenueSimulation.Target(grouping: g, group: k))
            })
        }
        guard !needsSimulation.isEmpty else { return PipelineSection(asOf: asOf, total: total, breakdowns: breakdowns) }

        let withAmount = probabilities.indices.filter { hasAmount[$0] }
        let simulation = RevenueSimulation(probabilities: withAmount.map { probabilities[$0] },
                                           amounts: withAmount.map { amounts[$0] })
        let recorded = needsSimulation.compactMap { $0 }
        let runs = settings.simulations ?? RevenueSimulation.defaultSimulations(leads: withAmount.count)
        let results = simulation.run(groupings: memberships.map { m in withAmount.map { m[$0] } },
                                     groupCounts: groupNames.map(\.count), recorded: recorded,
                                     simulations: runs, seed: settings.seed, threads: settings.threads)
        func fill(_ forecast: inout GroupForecast, _ quantiles: RevenueSimulation.Quantiles) {
            forecast.revenue = quantiles.values
            forecast.revenueStandardErrors = quantiles.standardErrors
            forecast.simulations = runs
            forecast.seed = settings.seed
        }
        if total.revenueMethod == .simulation { fill(&total, results[0]) }
        for (t, target) in recorded.enumerated() {
            fill(&breakdowns[target.grouping].groups[target.group], results[t + 1])
        }
        return PipelineSection(asOf: asOf, total: total, breakdowns: breakdowns)
    }
}
