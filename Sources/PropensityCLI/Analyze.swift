import ArgumentParser
import Foundation
import Propensity

/// `propensity analyze`: which lead sources and reps turn SQLs into revenue.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare lead sources and reps on closed SQLs: win rates, revenue and cost.",
        discussion: """
            Reads the closed (won or lost) leads of --data through a feature spec that maps the \
            leads' source (and owner, won_amount or amount, and cost), from --spec or from the \
            spec inside --model. Open SQLs have no outcome yet and are left out.

            Per source: closed SQLs, wins, the win rate with its 95% Wilson interval, revenue \
            (won_amount of each won deal, else its amount), cost per lead, cost per won deal and \
            revenue per unit of cost; leads without a cost are left out of the cost figures and \
            counted. Per rep, the same without costs. Per rep × source cell with at least \
            --min-cell-size closed leads: the win rate against the same rep's other sources by \
            Fisher's exact test (two-sided), the p-values adjusted over all cells by --correction, \
            and a flag only where the adjusted p-value is at most --level.

            With --model, every closed lead is scored as of its training cut-off, and each source \
            and rep's wins are compared with the sum of its probabilities (exact Poisson-binomial \
            test, adjusted within each table). The table covers the leads the model was not fitted \
            on: its held-out leads when --data holds the very leads file it was trained on, else \
            the leads closed after its training data. On the leads it was fitted on, a source or \
            rep that is a model feature matches its prediction by construction; --in-sample shows \
            them too.

            --out writes every figure, as CSV (one row per source, rep and cell) or JSON, \
            atomically.
            """
    )

    @Option(help: ArgumentHelp("The folder of CRM tables, or a PostgreSQL database holding them (postgres://user@host:port/database).",
                               valueName: "dir|url"))
    var data: String

    @Option(help: ArgumentHelp("The feature spec that maps the tables (without --model).", valueName: "spec.yaml"))
    var spec: String?

    @Option(help: ArgumentHelp("A model trained with --spec: its spec reads the tables, and its predictions are compared with the outcomes.",
                               valueName: "model.json"))
    var model: String?

    @Option(help: ArgumentHelp("How p-values are adjusted for testing many groups: bh (Benjamini–Hochberg, false discovery rate), by (Benjamini–Yekutieli, the same under any dependence) or holm (family-wise error rate).",
                               valueName: "method"))
    var correction: MultipleComparisonCorrection = .benjaminiHochberg

    @Option(help: ArgumentHelp("Flag a group when its adjusted p-value is at most this: the false discovery rate (bh, by) or family-wise error rate (holm) kept.",
                               valueName: "level"))
    var level: Double = 0.05

    @Option(help: ArgumentHelp("Rep × source cells with fewer closed leads are neither shown nor tested.", valueName: "n"))
    var minCellSize: Int = 10

    @Flag(help: "With --model, also compare observed with predicted wins on the leads the model was fitted on.")
    var inSample = false

    @Option(help: ArgumentHelp("Also write every figure to this file.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("The format of --out: csv or json.", valueName: "format"))
    var format: SourceAnalysisFile.Format = .csv

    @OptionGroup var options: ScoringOptions

    func validate() throws {
        if (spec == nil) == (model == nil) {
            throw ValidationError("Give either --spec (to read the tables) or --model (to read them with its spec and compare with its predictions).")
        }
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1, such as 0.05.") }
        guard minCellSize >= 1 else { throw ValidationError("--min-cell-size must be at least 1.") }
        if inSample && model == nil { throw ValidationError("--in-sample needs --model.") }
    }

    func run() throws {
        let reporter = options.reporter
        let settings = SourceAnalysis.Settings(correction: correction, level: level, minimumCellSize: minCellSize)
        let source = try crmSource(data)
        let dataSet: CRMDataSet
        let analysis: SourceAnalysis
        if let model {
            let scorer = try options.scorer(for: try ModelFile.read(from: URL(fileURLWithPath: model)))
            reporter.report(.readingTables)
            dataSet = try scorer.readData(source)
            analysis = try SourceAnalysis(data: dataSet, scorer: scorer, settings: settings) { reporter.report($0) }
        } else {
            let featureSpec = try FeatureSpec(contentsOf: URL(fileURLWithPath: spec!))
            options.performance.apply()
            reporter.report(.readingTables)
            dataSet = try CRMDataSet(spec: featureSpec, source: source, skipInvalidRows: options.skipInvalidRows,
                                     keepingOtherLeadColumns: false, threads: options.performance.threadCount)
            analysis = try SourceAnalysis(data: dataSet, settings: settings)
        }
        if let out {
            reporter.report("Writing \(out)")
            try SourceAnalysisFile.write(analysis, format: format, to: URL(fileURLWithPath: out))
        }
        print(analysis.text(predictionSamples: inSample ? [.heldOut, .training] : [.heldOut]), terminator: "")
        let open = dataSet.outcomes.filter { $0 == .open }.count
        if open > 0 { print("\nLeft out \(open) open SQLs, which have no outcome yet.") }
        for line in dataSet.skipped.lines { print("Skipped: \(line)") }
        if let out { print("Analysis written to \(out)") }
    }
}

extension MultipleComparisonCorrection: ExpressibleByArgument {}
extension SourceAnalysisFile.Format: ExpressibleByArgument {}
