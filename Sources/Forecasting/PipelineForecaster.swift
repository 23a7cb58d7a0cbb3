import Features
import Foundation
import Scoring

/// Forecasts the open pipeline of a CRM export with a saved model, and backtests the forecast
/// on a past quarter's pipeline as it stood at the quarter's start.
///
/// ```swift
/// let model = try ModelFile.read(from: URL(fileURLWithPath: "models/crm.json"))
/// let forecaster = try PipelineForecaster(scorer: CRMScorer(model: model, threads: 2))
/// let spec = forecaster.scorer.pipeline.spec
/// let forecast = try forecaster.forecast(
///     URL(fileURLWithPath: "datasets/crm"), asOf: Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!),
///     groupings: [try ForecastGrouping(parsing: "source", spec: spec)])
/// print(forecast.pipeline.total.expectedWins, forecast.pipeline.total.wins, forecast.backtest?.coverage ?? [])
/// ```
public struct PipelineForecaster: Sendable {
    /// Scores the leads.
    public var scorer: CRMScorer
    /// Tolerance, simulation runs and seed (threads come from the scorer).
    public var settings: ForecastSettings

    public init(scorer: CRMScorer, settings: ForecastSettings = ForecastSettings()) {
        self.scorer = scorer
        self.settings = settings
        self.settings.threads = scorer.threads
    }

    /// Which past quarter to backtest on.
    public enum BacktestChoice: Equatable, Sendable {
        /// The first quarter starting at or after the model's validation began (its leads'
        /// outcomes were never trained on), if it starts before the forecast's instant;
        /// otherwise the last quarter starting before it.
        case automatic
        case quarter(ForecastQuarter)
        case none
    }

    /// Progress, for long work.
    public enum Stage: Sendable {
        case scoring(CRMScorer.Stage)
        case backtest(quarter: String)
        case distributions(leads: Int)
    }

    /// The forecast of the pipeline of `directory` as it stood at `asOf`, broken down by
    /// `groupings`, with a backtest.
    ///
    /// The pipeline is every lead that was an open SQL at `asOf` (`CRMDataSet.pipelineLeads(at:)`),
    /// scored with its features as of `asOf`.
    ///
    /// - Throws: `CRMDataError` for bad tables, `ForecastError` for a bad grouping or quarter.
    public func forecast(_ directory: URL, asOf: Date, groupings: [ForecastGrouping] = [],
                         backtest: BacktestChoice = .automatic,
                         progress: (@Sendable (Stage) -> Void)? = nil) throws -> PipelineForecast {
        try forecast(CRMFolder(directory), asOf: asOf, groupings: groupings, backtest: backtest, progress: progress)
    }

    /// The forecast of the pipeline of `source` (a folder, a database), as
    /// `forecast(_:asOf:groupings:backtest:progress:)` gives it for a folder.
    public func forecast(_ source: any CRMTableSource, asOf: Date, groupings: [ForecastGrouping] = [],
                         backtest: BacktestChoice = .automatic,
                         progress: (@Sendable (Stage) -> Void)? = nil) throws -> PipelineForecast {
        let spec = scorer.pipeline.spec
        var columns: [ColumnReference] = []
        for grouping in groupings {
            if let column = grouping.textColumn, !columns.contains(column) {
                if case .month(let name) = grouping.field, spec.cutoff?.after == name || spec.tables.leads.closedAt == name { continue }
                columns.append(column)
            }
        }
        progress?(.scoring(.readingTables))
        let data = try scorer.readData(source, groupingColumns: columns)
        return try forecast(of: data, asOf: asOf, groupings: groupings, backtest: backtest, progress: progress)
    }

    /// The same forecast of tables already read through the model's spec
    /// (`CRMScorer.readData(_:groupingColumns:)`, with the columns the groupings read).
    ///
    /// - Throws: `CRMDataError` for bad rows in the events table, `ForecastError` for a grouping
    ///   whose column `data` does not hold, or a bad quarter.
    public func forecast(of data: CRMDataSet, asOf: Date, groupings: [ForecastGrouping] = [],
                         backtest: BacktestChoice = .automatic,
                         progress: (@Sendable (Stage) -> Void)? = nil) throws -> PipelineForecast {
        let now = asOf.timeIntervalSince1970
        let spec = scorer.pipeline.spec
        var labels: [(field: String, labels: [String])] = []
        for grouping in groupings { labels.append((grouping.description, try grouping.labels(data))) }
        let amountColumn = spec.tables.leads.amount.flatMap { data.leadNumbers($0) }
        let amounts = amountColumn ?? [Double](repeating: .nan, count: data.leadCount)

        func section(at instant: Double) throws -> (PipelineSection, rows: [Int]) {
            let scored = try scorer.scorePipeline(of: data, at: Date(timeIntervalSince1970: instant)) { progress?(.scoring($0)) }
            progress?(.distributions(leads: scored.count))
            let rows = scored.rows
            let section = PipelineDistribution.section(
                asOf: Timestamp.string(from: instant), probabilities: scored.scores.probability,
                amounts: rows.map { amounts[$0] },
                groupings: labels.map { grouping in (grouping.field, rows.map { grouping.labels[$0] }) }, settings: settings)
            return (section, rows)
        }
        let (current, currentRows) = try section(at: now)
        var notes = Self.notes(current, amountColumn: spec.tables.leads.amount, hasAmounts: amountColumn != nil)
        let anchors = spec.cutoff.flatMap { data.leadTimestamps($0.after) }
        let notYet = anchors.map { anchors in (0..<data.leadCount).filter { data.outcomes[$0] == .open && anchors[$0] > now }.count } ?? 0
        if notYet > 0 {
            notes.append("\(notYet) open leads whose SQL date is after \(Timestamp.string(from: now)) are left out.")
        }
        let closedSince = currentRows.filter { data.outcomes[$0] != .open }.count
        if closedSince > 0 {
            notes.append("\(closedSince) leads of the pipeline closed after \(Timestamp.string(from: now)) in this export; they are forecast as they stood then.")
        }

        // The backtest quarter.
        let quarter: ForecastQuarter?
        var automatic = false
        switch backtest {
        case .none:
            quarter = nil
        case .quarter(let chosen):
            guard chosen.start < now else {
                throw ForecastError.backtestNotBeforeAsOf(quarter: chosen.description, asOf: Timestamp.string(from: now))
            }
            quarter = chosen
        case .automatic:
            automatic = true
            var latest = ForecastQuarter(containing: now)
            if !(latest.start < now) { latest = latest.previous }
            if let from = scorer.model.validation?.closedFrom.flatMap(Timestamp.seconds(from:)) {
                var first = ForecastQuarter(containing: from)
                if first.start < from { first = first.next }
                quarter = first.start < now ? first : latest
            } else {
                quarter = latest
            }
        }
        guard let quarter else {
            return PipelineForecast(pipeline: current, backtest: nil, backtestSkipped: "No backtest was asked for.", notes: notes)
        }
        progress?(.backtest(quarter: quarter.description))
        let (past, pastRows) = try section(at: quarter.start)
        guard !pastRows.isEmpty else {
            return PipelineForecast(pipeline: current, backtest: nil,
                                    backtestSkipped: "No lead was an open SQL at the start of \(quarter).", notes: notes)
        }
        let result = Self.backtest(past, rows: pastRows, data: data, amounts: amounts, labels: labels, resolvedBy: now)
        let trainingClosedTo = scorer.model.trainingData.closedTo
        var leadsInTraining = 0
        if let limit = trainingClosedTo.flatMap(Timestamp.seconds(from:)) {
            let closes = data.closeTimes
            leadsInTraining = pastRows.filter { data.outcomes[$0] != .open && closes[$0] <= limit }.count
        }
        return PipelineForecast(
            pipeline: current,
            backtest: ForecastBacktest(quarter: quarter.description, pipeline: result.section, resolvedBy: Timestamp.string(from: now),
                                       leadsInTraining: leadsInTraining, trainingClosedTo: trainingClosedTo,
                                       automatic: automatic, coverage: result.coverage),
            backtestSkipped: nil, notes: notes)
    }

    /// Fills in what the backtest pipeline's leads did by `resolvedBy`, and the coverage.
    static func backtest(_ section: PipelineSection, rows: [Int], data: CRMDataSet, amounts: [Double],
                         labels: [(field: String, labels: [String])], resolvedBy: Double)
        -> (section: PipelineSection, coverage: [BandCoverage]) {
        let closes = data.closeTimes
        let wonAmounts = data.spec.tables.leads.wonAmount.flatMap { data.leadNumbers($0) }
        func actual(_ leads: [Int], _ forecast: GroupForecast) -> ActualOutcome {
            var won = 0, lost = 0, revenue = 0.0
            for lead in leads where closes[lead] <= resolvedBy {
                if data.outcomes[lead] == .won {
                    won += 1
                    let amount = amounts[lead]
                    if amount >= 0 && amount.isFinite {
                        let booked = wonAmounts?[lead] ?? .nan
                        revenue += booked >= 0 && booked.isFinite ? booked : amount
                    }
                } else if data.outcomes[lead] == .lost {
                    lost += 1
                }
            }
            return ActualOutcome(won: won, lost: lost, unresolved: leads.count - won - lost, wonRevenue: revenue,
                                 winsInBand: forecast.wins.contains(Double(won)), revenueInBand: forecast.revenue.contains(revenue))
        }
        var result = section
        result.total.actual = actual(rows, section.total)
        var coverage = [BandCoverage(field: "total", groups: 1, winsInBand: result.total.actual!.winsInBand ? 1 : 0,
                                     revenueInBand: result.total.actual!.revenueInBand ? 1 : 0)]
        for (b, breakdown) in section.breakdowns.enumerated() {
            var members: [String: [Int]] = [:]
            for lead in rows { members[labels[b].labels[lead], default: []].append(lead) }
            for (g, group) in breakdown.groups.enumerated() {
                result.breakdowns[b].groups[g].actual = actual(members[group.group] ?? [], group)
            }
            let actuals = result.breakdowns[b].groups.map { $0.actual! }
            coverage.append(BandCoverage(field: breakdown.field, groups: actuals.count,
                                         winsInBand: actuals.filter(\.winsInBand).count,
                                         revenueInBand: actuals.filter(\.revenueInBand).count))
        }
        return (result, coverage)
    }

    /// The sentences that say what the numbers assume and how they were computed.
    static func notes(_ section: PipelineSection, amountColumn: String?, hasAmounts: Bool) -> [String] {
        var notes = [
            "Leads are treated as independent: the ranges leave out anything that moves many deals at once (a quarter-end push, "
                + "a market turn, a rep leaving), so real outcomes can stray further than they say.",
            "P10, P50 and P90 are the smallest values whose probability of not being exceeded reaches 10%, 50% and 90%. "
                + "Wins are exact (Poisson-binomial; at most 1e-12 of probability dropped from the tails).",
        ]
        if let amountColumn, hasAmounts {
            let missing = section.total.leadsWithoutAmount
            notes.append("Revenue is the won deals' `\(amountColumn)` (their value while open); expected revenue is Σ probability × amount. "
                + (missing > 0 ? "\(missing) leads without an amount are counted in wins and left out of revenue." : "Every lead has an amount."))
        } else {
            notes.append("The spec maps no amount (tables.leads.amount), so there is no revenue forecast.")
        }
        let all = [section.total] + section.breakdowns.flatMap(\.groups)
        let exact = all.filter { $0.revenueMethod == .exact }
        if let unit = section.total.revenueUnit, section.total.revenueMethod == .exact {
            notes.append("Revenue ranges are exact on the lattice of the amounts (unit \(DecimalText.readable(unit)))"
                + (exact.count < all.count ? ", except for the groups marked as simulated." : "."))
        }
        if let simulated = all.first(where: { $0.revenueMethod == .simulation }), let runs = simulated.simulations {
            let which = section.total.revenueMethod == .simulation ? "Revenue ranges are" : "Some groups' revenue ranges are"
            notes.append("\(which) simulated (the amounts have no small common unit): \(runs) runs, seed \(simulated.seed ?? 0); "
                + "each quantile's Monte Carlo standard error is given with it.")
        }
        return notes
    }
}
