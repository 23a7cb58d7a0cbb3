/// Which lead sources and which reps turn SQLs into revenue, on closed history: win rates with
/// intervals, revenue and cost per source, rep × source cells that differ from the rep's other
/// leads beyond chance, and, with a model, groups that won more or fewer deals than predicted.
///
/// ```swift
/// let leads = [ClosedLead(source: "referral", rep: "s.berg", won: true, revenue: 28_600, cost: 72.74), …]
/// let analysis = SourceAnalysis(leads: leads)
/// for source in analysis.sources { print(source.name, source.winRate, source.interval) }
/// ```
///
/// Every figure is over closed (won or lost) leads: open SQLs have no outcome yet.
public struct SourceAnalysis: Codable, Equatable, Sendable {
    /// How the analysis tests and what it shows.
    public struct Settings: Codable, Equatable, Sendable {
        /// The confidence level of the win rates' Wilson intervals; default 0.95.
        public var confidence: Double
        /// How the p-values of each table are adjusted for testing many groups at once.
        public var correction: MultipleComparisonCorrection
        /// The level a group's adjusted p-value must reach (at most) to be flagged: the false
        /// discovery rate or family-wise error rate `correction` controls; default 0.05.
        public var level: Double
        /// Rep × source cells with fewer closed leads are neither shown nor tested (their
        /// leads still count in the rep's other sources); default 10.
        public var minimumCellSize: Int

        /// - Precondition: `confidence` and `level` in (0, 1), `minimumCellSize` ≥ 1.
        public init(confidence: Double = 0.95, correction: MultipleComparisonCorrection = .benjaminiHochberg,
                    level: Double = 0.05, minimumCellSize: Int = 10) {
            precondition(confidence > 0 && confidence < 1 && level > 0 && level < 1 && minimumCellSize >= 1,
                         "Confidence and level are in (0, 1); the minimum cell size is at least 1.")
            self.confidence = confidence
            self.correction = correction
            self.level = level
            self.minimumCellSize = minimumCellSize
        }
    }

    /// The settings used.
    public let settings: Settings
    /// All closed leads together, as one group named "all".
    public let overall: GroupSummary
    /// Per lead source (an empty source is the group "(missing)"), most closed leads first
    /// (ties by name).
    public let sources: [GroupSummary]
    /// Per rep, by name; empty when the leads have no rep.
    public let reps: [GroupSummary]
    /// The rep × source cells with at least `settings.minimumCellSize` closed leads, by rep and
    /// source, each compared with the same rep's other closed leads (leads without a rep form
    /// no cells).
    public let repSources: [RepSourceCell]
    /// Cells below the minimum size, left out of `repSources` and of the tests, and their leads.
    public let smallCells: Int
    public let smallCellLeads: Int
    /// Which closed leads the model was fitted on, when the leads carry predictions.
    public let split: ModelSplit?

    /// The group label of leads without a source or rep.
    public static let missingLabel = "(missing)"

    /// Analyzes `leads`.
    ///
    /// - Parameters:
    ///   - leads: Closed leads; with predictions, each with a probability and a sample.
    ///   - settings: Confidence, correction, level and minimum cell size.
    ///   - split: How the samples were told apart, for the report; `nil` without a model.
    /// - Complexity: O(n log n + Σ gᵢ²) for n leads, gᵢ the leads of each group checked against
    ///   predictions (the exact Poisson-binomial distribution).
    public init(leads: [ClosedLead], settings: Settings = Settings(), split: ModelSplit? = nil) {
        self.settings = settings
        self.split = split
        let predicted = leads.contains { $0.probability != nil }
        func label(_ text: String?) -> String { text ?? Self.missingLabel }

        func groups(by key: (ClosedLead) -> String) -> [String: [ClosedLead]] {
            Dictionary(grouping: leads, by: key)
        }
        let bySource = groups { label($0.source) }
        var sources = bySource.map { GroupSummary(name: $0.key, leads: $0.value, confidence: settings.confidence) }
        sources.sort { $0.sqls > $1.sqls || ($0.sqls == $1.sqls && $0.name < $1.name) }
        let hasReps = leads.contains { $0.rep != nil }
        let byRep = hasReps ? groups { label($0.rep) } : [:]
        var reps = byRep.map { GroupSummary(name: $0.key, leads: $0.value, confidence: settings.confidence) }
        reps.sort { $0.name < $1.name }
        overall = GroupSummary(name: "all", leads: leads, confidence: settings.confidence)

        // Observed against predicted wins: each table and sample is one family of tests.
        if predicted {
            for sample in ModelSample.allCases {
                Self.checkPredictions(&sources, groups: bySource, sample: sample, settings: settings)
                Self.checkPredictions(&reps, groups: byRep, sample: sample, settings: settings)
            }
        }
        self.sources = sources
        self.reps = reps

        // Rep × source cells against the rep's other leads.
        var cells: [RepSourceCell] = []
        var small = 0, smallLeads = 0
        for rep in reps where rep.name != Self.missingLabel {
            let repLeads = byRep[rep.name]!
            let bySourceOfRep = Dictionary(grouping: repLeads) { label($0.source) }
            for (source, cellLeads) in bySourceOfRep.sorted(by: { $0.key < $1.key }) {
                guard cellLeads.count >= settings.minimumCellSize else {
                    small += 1
                    smallLeads += cellLeads.count
                    continue
                }
                let wins = cellLeads.filter(\.won).count
                cells.append(RepSourceCell(rep: rep.name, source: source, sqls: cellLeads.count, wins: wins,
                                           otherSQLs: rep.sqls - cellLeads.count, otherWins: rep.wins - wins,
                                           confidence: settings.confidence))
            }
        }
        let tested = cells.indices.filter { cells[$0].pValue != nil }
        let adjusted = settings.correction.adjusted(tested.map { cells[$0].pValue! })
        for (k, index) in tested.enumerated() {
            cells[index].adjust(adjusted[k], level: settings.level)
        }
        repSources = cells
        smallCells = small
        smallCellLeads = smallLeads
    }

    /// Adds the check of `sample`'s predictions to each group of `summaries` with leads in it,
    /// adjusting the p-values over those groups.
    private static func checkPredictions(_ summaries: inout [GroupSummary], groups: [String: [ClosedLead]],
                                         sample: ModelSample, settings: Settings) {
        var tests: [(index: Int, test: PoissonBinomialTest)] = []
        for (index, summary) in summaries.enumerated() {
            let inSample = groups[summary.name]!.filter { $0.sample == sample && $0.probability != nil }
            guard !inSample.isEmpty else { continue }
            tests.append((index, PoissonBinomialTest(probabilities: inSample.map { $0.probability! },
                                                     observedWins: inSample.filter(\.won).count)))
        }
        let adjusted = settings.correction.adjusted(tests.map(\.test.pValue))
        for (k, entry) in tests.enumerated() {
            let flagged = adjusted[k] <= settings.level
            let flag: Deviation? = flagged ? (entry.test.difference > 0 ? .higher : .lower) : nil
            summaries[entry.index].predictions.append(
                PredictionCheck(sample: sample, test: entry.test, adjustedPValue: adjusted[k], flag: flag))
        }
    }
}

/// A group of closed leads (a source, a rep, or all): volume, win rate, revenue and cost.
public struct GroupSummary: Codable, Equatable, Sendable {
    /// The source's or rep's name.
    public let name: String
    /// Closed SQLs (won or lost).
    public let sqls: Int
    /// Won deals.
    public let wins: Int
    /// `wins / sqls`.
    public let winRate: Double
    /// The win rate's Wilson interval.
    public let interval: ProportionInterval
    /// Booked revenue: the sum over won deals of `won_amount`, else `amount`.
    public let revenue: Double
    /// Won deals with neither amount known, left out of `revenue`.
    public let winsWithoutRevenue: Int
    /// Closed leads with a known cost, and those without. Leads without a cost are left out of
    /// every cost figure (not counted as free), so that each ratio's numerator and denominator
    /// cover the same leads.
    public let leadsWithCost: Int
    public let leadsWithoutCost: Int
    /// The total cost of the leads with a cost.
    public let cost: Double
    /// `cost / leadsWithCost`; `nil` without costs.
    public let costPerLead: Double?
    /// `cost` divided by the wins among the leads with a cost; `nil` when none of them won.
    public let costPerWonDeal: Double?
    /// The revenue of the leads with a cost, per unit of their cost; `nil` when the cost is 0.
    public let revenuePerCost: Double?
    /// Observed against predicted wins, per sample with leads (held-out first), with a model.
    public internal(set) var predictions: [PredictionCheck]

    /// Summarizes `leads` (at least one).
    public init(name: String, leads: [ClosedLead], confidence: Double = 0.95) {
        precondition(!leads.isEmpty, "A group has leads.")
        self.name = name
        sqls = leads.count
        wins = leads.filter(\.won).count
        winRate = Double(wins) / Double(sqls)
        interval = .wilson(successes: wins, trials: sqls, confidence: confidence)
        let won = leads.filter(\.won)
        revenue = won.compactMap(\.revenue).reduce(0, +)
        winsWithoutRevenue = won.filter { $0.revenue == nil }.count
        let costed = leads.filter { $0.cost != nil }
        leadsWithCost = costed.count
        leadsWithoutCost = sqls - costed.count
        cost = costed.reduce(0) { $0 + $1.cost! }
        let costedWins = costed.filter(\.won)
        costPerLead = costed.isEmpty ? nil : cost / Double(costed.count)
        costPerWonDeal = costedWins.isEmpty ? nil : cost / Double(costedWins.count)
        revenuePerCost = cost > 0 ? costedWins.compactMap(\.revenue).reduce(0, +) / cost : nil
        predictions = []
    }

    /// The check of `sample`'s predictions, when this group has leads in it.
    public func prediction(_ sample: ModelSample) -> PredictionCheck? {
        predictions.first { $0.sample == sample }
    }
}

/// A group's observed wins against a model's predictions on one sample.
public struct PredictionCheck: Codable, Equatable, Sendable {
    /// The leads compared: held out from the fit, or fitted on.
    public let sample: ModelSample
    /// Observed and predicted wins, z-score and the exact two-sided p-value.
    public let test: PoissonBinomialTest
    /// The p-value adjusted over the groups of the same table and sample.
    public let adjustedPValue: Double
    /// `higher` when the group won significantly more deals than predicted, `lower` when
    /// fewer; `nil` when the adjusted p-value exceeds the level.
    public let flag: Deviation?
}

/// One rep's closed leads from one source, against the same rep's closed leads from every
/// other source (the 2×2 table won/lost × this source/others, by Fisher's exact test).
public struct RepSourceCell: Codable, Equatable, Sendable {
    public let rep: String
    public let source: String
    /// Closed leads and wins of this rep from this source.
    public let sqls: Int
    public let wins: Int
    public let winRate: Double
    /// The cell's Wilson interval.
    public let interval: ProportionInterval
    /// The rep's closed leads and wins from every other source.
    public let otherSQLs: Int
    public let otherWins: Int
    /// `otherWins / otherSQLs`; `nil` when the rep has no other leads.
    public let otherWinRate: Double?
    /// Fisher's exact two-sided p-value; `nil` when the rep has no other leads.
    public let pValue: Double?
    /// The p-value adjusted over every tested cell.
    public private(set) var adjustedPValue: Double?
    /// `higher` or `lower` than the rep's other leads when the adjusted p-value is at most the
    /// level; `nil` otherwise.
    public private(set) var flag: Deviation?

    /// A cell of `wins` of `sqls`, against `otherWins` of `otherSQLs`, not yet adjusted.
    public init(rep: String, source: String, sqls: Int, wins: Int, otherSQLs: Int, otherWins: Int, confidence: Double = 0.95) {
        self.rep = rep
        self.source = source
        self.sqls = sqls
        self.wins = wins
        winRate = Double(wins) / Double(sqls)
        interval = .wilson(successes: wins, trials: sqls, confidence: confidence)
        self.otherSQLs = otherSQLs
        self.otherWins = otherWins
        otherWinRate = otherSQLs > 0 ? Double(otherWins) / Double(otherSQLs) : nil
        pValue = otherSQLs > 0
            ? FisherExactTest.pValue(wins, sqls - wins, otherWins, otherSQLs - otherWins) : nil
    }

    /// Records the adjusted p-value and the flag it supports at `level`.
    mutating func adjust(_ adjusted: Double, level: Double) {
        adjustedPValue = adjusted
        if adjusted <= level, let otherWinRate {
            flag = winRate > otherWinRate ? .higher : .lower
        }
    }
}

/// How the closed leads were split into those a model was fitted on and those held out.
public struct ModelSplit: Codable, Equatable, Sendable {
    /// How the samples were told apart.
    public enum Rule: String, Codable, Sendable {
        /// The leads file is the one the model was trained on: the trainer's own split,
        /// reproduced exactly (the most recently closed leads, as many as it validated on).
        case trainingFile = "training-file"
        /// Another export: leads closed after the last close the model was fitted on are
        /// held out; every other lead counts as in-sample (it may have been fitted on).
        case closeDate = "close-date"
    }

    public let rule: Rule
    /// Closed leads in each sample.
    public let trainingLeads: Int
    public let heldOutLeads: Int
    /// The last close date among the leads the model was fitted on (ISO 8601), when known.
    public let trainedThrough: String?

    public init(rule: Rule, trainingLeads: Int, heldOutLeads: Int, trainedThrough: String?) {
        self.rule = rule
        self.trainingLeads = trainingLeads
        self.heldOutLeads = heldOutLeads
        self.trainedThrough = trainedThrough
    }
}
