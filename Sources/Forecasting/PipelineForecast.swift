/// The 10th, 50th and 90th percentiles of a forecast quantity.
public struct ForecastRange: Codable, Equatable, Sendable {
    public var p10: Double
    public var p50: Double
    public var p90: Double

    public init(p10: Double, p50: Double, p90: Double) {
        self.p10 = p10
        self.p50 = p50
        self.p90 = p90
    }

    /// Whether `value` lies in `p10 … p90`, ends included.
    public func contains(_ value: Double) -> Bool { p10 <= value && value <= p90 }
}

/// How a revenue range was computed.
public enum RevenueMethod: String, Codable, Sendable {
    /// The exact distribution on the lattice of the amounts (`RevenueLattice`).
    case exact
    /// A seeded Monte Carlo simulation (`RevenueSimulation`).
    case simulation
}

/// The forecast of one group of leads (or of the whole pipeline): expected wins and revenue,
/// and their P10 / P50 / P90 under independent leads.
public struct GroupForecast: Codable, Equatable, Sendable {
    /// The group's value (`referral`, `2025-03`, `(missing)`), or `total`.
    public var group: String
    /// The open SQLs in the group.
    public var leads: Int
    /// Leads without a usable amount (missing or negative): counted in wins, left out of revenue.
    public var leadsWithoutAmount: Int
    /// `Σ pᵢ`.
    public var expectedWins: Double
    /// The number of wins: exact Poisson-binomial quantiles (smallest k with P(wins ≤ k) ≥ q).
    public var wins: ForecastRange
    /// At most this much probability was dropped from the tails of the wins distribution.
    public var winsDroppedMass: Double
    /// `Σ pᵢ·amountᵢ` over the leads with an amount.
    public var expectedRevenue: Double
    /// Revenue quantiles (smallest value with P(revenue ≤ value) ≥ q, or its simulated estimate).
    public var revenue: ForecastRange
    /// How `revenue` was computed.
    public var revenueMethod: RevenueMethod
    /// Exact: the lattice unit (every amount is a whole multiple of it).
    public var revenueUnit: Double?
    /// Exact: at most this much probability was dropped from the tails.
    public var revenueDroppedMass: Double?
    /// Simulation: the number of runs and the seed.
    public var simulations: Int?
    public var seed: UInt64?
    /// Simulation: the Monte Carlo standard errors of the three quantiles.
    public var revenueStandardErrors: ForecastRange?
    /// Backtests only: what actually happened to these leads.
    public var actual: ActualOutcome?

    public init(group: String, leads: Int, leadsWithoutAmount: Int, expectedWins: Double, wins: ForecastRange,
                winsDroppedMass: Double, expectedRevenue: Double, revenue: ForecastRange, revenueMethod: RevenueMethod,
                revenueUnit: Double? = nil, revenueDroppedMass: Double? = nil, simulations: Int? = nil, seed: UInt64? = nil,
                revenueStandardErrors: ForecastRange? = nil, actual: ActualOutcome? = nil) {
        self.group = group
        self.leads = leads
        self.leadsWithoutAmount = leadsWithoutAmount
        self.expectedWins = expectedWins
        self.wins = wins
        self.winsDroppedMass = winsDroppedMass
        self.expectedRevenue = expectedRevenue
        self.revenue = revenue
        self.revenueMethod = revenueMethod
        self.revenueUnit = revenueUnit
        self.revenueDroppedMass = revenueDroppedMass
        self.simulations = simulations
        self.seed = seed
        self.revenueStandardErrors = revenueStandardErrors
        self.actual = actual
    }
}

/// What became of a backtest group's leads by the instant the backtest was run as of.
public struct ActualOutcome: Codable, Equatable, Sendable {
    /// Leads won by then (closed won at or before the instant).
    public var won: Int
    /// Leads lost by then.
    public var lost: Int
    /// Leads still open then (or closed after it): their outcome is unknown, so `won` is a
    /// lower bound of the eventual wins the forecast predicts.
    public var unresolved: Int
    /// Revenue booked by the leads won by then (their won amount, else their amount), over
    /// the leads with an amount.
    public var wonRevenue: Double
    /// Whether `won` lies in the forecast's P10 … P90 wins band.
    public var winsInBand: Bool
    /// Whether `wonRevenue` lies in the forecast's P10 … P90 revenue band.
    public var revenueInBand: Bool

    public init(won: Int, lost: Int, unresolved: Int, wonRevenue: Double, winsInBand: Bool, revenueInBand: Bool) {
        self.won = won
        self.lost = lost
        self.unresolved = unresolved
        self.wonRevenue = wonRevenue
        self.winsInBand = winsInBand
        self.revenueInBand = revenueInBand
    }
}

/// The pipeline split by one field: a forecast per group.
public struct ForecastBreakdown: Codable, Equatable, Sendable {
    /// The grouping as given (`source`, `companies.region`, `month:sql_at`).
    public var field: String
    /// One forecast per group value, sorted by value, `(missing)` last.
    public var groups: [GroupForecast]

    public init(field: String, groups: [GroupForecast]) {
        self.field = field
        self.groups = groups
    }
}

/// A pipeline at one instant, forecast as a whole and by each grouping.
public struct PipelineSection: Codable, Equatable, Sendable {
    /// The instant the pipeline stood at and was scored as of (ISO 8601).
    public var asOf: String
    /// The whole pipeline (`group` is `total`).
    public var total: GroupForecast
    /// One breakdown per grouping, in the order asked.
    public var breakdowns: [ForecastBreakdown]

    public init(asOf: String, total: GroupForecast, breakdowns: [ForecastBreakdown]) {
        self.asOf = asOf
        self.total = total
        self.breakdowns = breakdowns
    }
}

/// How many groups' actuals fell in their P10 … P90 bands in a backtest.
public struct BandCoverage: Codable, Equatable, Sendable {
    /// The grouping (`total` for the whole pipeline).
    public var field: String
    /// Groups, and of them those whose actual wins and actual revenue fell in their bands.
    public var groups: Int
    public var winsInBand: Int
    public var revenueInBand: Int

    public init(field: String, groups: Int, winsInBand: Int, revenueInBand: Int) {
        self.field = field
        self.groups = groups
        self.winsInBand = winsInBand
        self.revenueInBand = revenueInBand
    }
}

/// A past quarter's pipeline as it stood at the quarter's start, forecast with the features
/// of then, next to what those leads did by the forecast's instant.
public struct ForecastBacktest: Codable, Equatable, Sendable {
    /// The quarter, such as `2025Q2`.
    public var quarter: String
    /// The pipeline at the quarter's start, with `actual` filled in for the total and each group.
    public var pipeline: PipelineSection
    /// The instant outcomes were counted by (the forecast's `--as-of`).
    public var resolvedBy: String
    /// Leads of that pipeline that closed by the last close date the model was trained on
    /// (`trainingData.closedTo`): their outcomes were in the model's training data.
    public var leadsInTraining: Int
    /// The last close date the model was trained on, when the model records it.
    public var trainingClosedTo: String?
    /// Whether the quarter was chosen automatically (the first starting at or after the
    /// validation's first close date).
    public var automatic: Bool
    /// Coverage of the P10 … P90 bands: the total first, then each breakdown.
    public var coverage: [BandCoverage]

    public init(quarter: String, pipeline: PipelineSection, resolvedBy: String, leadsInTraining: Int,
                trainingClosedTo: String?, automatic: Bool, coverage: [BandCoverage]) {
        self.quarter = quarter
        self.pipeline = pipeline
        self.resolvedBy = resolvedBy
        self.leadsInTraining = leadsInTraining
        self.trainingClosedTo = trainingClosedTo
        self.automatic = automatic
        self.coverage = coverage
    }
}

/// A forecast of the open pipeline, with its backtest on a past quarter: what
/// `propensity forecast` prints and writes, and what a report renders.
public struct PipelineForecast: Codable, Equatable, Sendable {
    /// The open pipeline at the forecast's instant.
    public var pipeline: PipelineSection
    /// The backtest, unless none was asked for or no quarter fits.
    public var backtest: ForecastBacktest?
    /// Why there is no backtest, when there is none.
    public var backtestSkipped: String?
    /// The assumptions and methods, in sentences (independence of leads, amounts, simulation).
    public var notes: [String]

    public init(pipeline: PipelineSection, backtest: ForecastBacktest?, backtestSkipped: String?, notes: [String]) {
        self.pipeline = pipeline
        self.backtest = backtest
        self.backtestSkipped = backtestSkipped
        self.notes = notes
    }
}
