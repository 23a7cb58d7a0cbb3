import ArgumentParser
import Foundation
import Propensity

/// `propensity forecast`: expected wins and revenue of the open pipeline, with ranges and a backtest.
struct Forecast: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forecast the open pipeline's wins and revenue, with P10–P90 ranges and a backtest.",
        discussion: """
            Scores every lead that was an open SQL at --as-of (features as of then) and gives, for the \
            whole pipeline and for each group of each --by: the expected number of wins (Σ p) and \
            expected revenue (Σ p × amount, the spec's tables.leads.amount), and P10, P50 and P90 of \
            both: the smallest values whose probability of not being exceeded reaches 10%, 50% and \
            90%. Leads are treated as independent, which leaves out anything that moves many deals at \
            once: real outcomes can stray further. Wins follow the exact Poisson-binomial distribution \
            (at most 1e-12 of probability dropped from its tails). Revenue is exact when the amounts \
            are whole multiples of a common unit with at most 10 million states; otherwise it is \
            simulated (--simulations runs, seeded), and each quantile's Monte Carlo standard error is \
            shown. Leads without an amount count in wins and are left out of revenue.

            --by takes source or owner (the spec's mapped columns), any leads column, \
            companies.COLUMN, month:COLUMN (the UTC month of a timestamp column) or month (of the SQL \
            date, the spec's cut-off anchor); a missing value is the group (missing). Repeat it for \
            several breakdowns.

            The backtest forecasts a past quarter's pipeline as it stood at the quarter's start, with \
            the features of then, and counts what those leads did by --as-of: won, lost, or still \
            open (then `won` is a lower bound of the eventual wins). Coverage is how many groups' \
            actual wins and revenue fell within their P10–P90 bands. By default the quarter is the \
            first that starts at or after the model's validation began, so the model never saw its \
            outcomes; the output says when leads of the chosen quarter were in training.
            """
    )

    @OptionGroup var input: ModelAndData

    @Option(help: ArgumentHelp("The instant to forecast as of (ISO 8601, such as 2025-07-01); default now.", valueName: "instant"))
    var asOf: String?

    @Option(help: ArgumentHelp("Break the pipeline down by this field: source, owner, a leads column, companies.COLUMN, "
                               + "month or month:COLUMN (repeatable).", valueName: "field"))
    var by: [String] = []

    @Option(help: ArgumentHelp("The quarter to backtest on, such as 2025Q1; default: the first the model's validation covers.",
                               valueName: "quarter"))
    var backtest: String?

    @Flag(help: "Skip the backtest.")
    var noBacktest = false

    @Option(help: ArgumentHelp("Monte Carlo runs when revenue must be simulated; default 100,000 (fewer beyond 20,000 leads: "
                               + "2·10⁹ / leads, at least 1,000).", valueName: "n"))
    var simulations: Int?

    @Option(help: ArgumentHelp("The simulation's seed.", valueName: "seed"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Also write the forecast to this file (CSV or JSON).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("csv or json; default from --out's extension.", valueName: "format"))
    var format: ForecastFile.Format?

    @OptionGroup var options: ScoringOptions

    func validate() throws {
        _ = try scoringInstant(asOf)
        if backtest != nil && noBacktest { throw ValidationError("Give --backtest or --no-backtest, not both.") }
        if let backtest, ForecastQuarter(parsing: backtest) == nil {
            throw ValidationError("--backtest must name a quarter such as 2025Q1, not `\(backtest)`.")
        }
        if let simulations, simulations < 1 { throw ValidationError("--simulations must be at least 1.") }
        if format != nil && out == nil { throw ValidationError("--format needs --out.") }
        _ = try fileFormat()
    }

    /// The output format: --format, else --out's extension.
    func fileFormat() throws -> ForecastFile.Format? {
        guard let out else { return nil }
        if let format { return format }
        guard let inferred = ForecastFile.Format(pathExtension: URL(fileURLWithPath: out).pathExtension) else {
            throw ValidationError("Cannot tell the format of `\(out)` from its extension; add --format csv or --format json.")
        }
        return inferred
    }

    func run() throws {
        let reporter = options.reporter
        let loaded = try input.loadModel()
        let scorer = try options.scorer(for: loaded)
        let instant = try scoringInstant(asOf)
        let spec = scorer.pipeline.spec
        let groupings = try by.map { try ForecastGrouping(parsing: $0, spec: spec) }
        let choice: PipelineForecaster.BacktestChoice = noBacktest ? .none
            : backtest.flatMap(ForecastQuarter.init(parsing:)).map { .quarter($0) } ?? .automatic
        let forecaster = PipelineForecaster(scorer: scorer, settings: ForecastSettings(simulations: simulations, seed: seed))
        let forecast = try forecaster.forecast(try input.source(), asOf: instant, groupings: groupings, backtest: choice) { stage in
            switch stage {
            case .scoring(let stage): reporter.report(stage)
            case .backtest(let quarter): reporter.report("Backtest: the pipeline at the start of \(quarter)")
            case .distributions(let leads): reporter.report("Distributions of wins and revenue of \(leads) leads")
            }
        }
        print(forecast.tableText, terminator: "")
        if let out, let format = try fileFormat() {
            try ForecastFile.write(forecast, format: format, to: URL(fileURLWithPath: out))
            print("Forecast written to \(out)")
        }
    }
}

extension ForecastFile.Format: ExpressibleByArgument {}
