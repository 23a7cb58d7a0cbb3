import ArgumentParser
import Foundation
import Propensity

/// `propensity generate`: write a synthetic CRM export with known effects.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic CRM export whose outcomes follow known effects.",
        discussion: """
            Writes companies.csv, contacts.csv, leads.csv (one row per SQL) and events.csv as a CRM \
            would export them, spec.yaml (a feature spec for them), effects.json (the true model in \
            the spec's feature names) and truth.csv (each closed lead's true probability). Outcomes \
            are drawn from the true model, on features as of each lead's cut-off; events after it \
            and the forecast_category column leak the outcome. The same seed and lead count give \
            identical files. Files are written under temporary names and renamed when complete.
            """
    )

    @Option(help: ArgumentHelp("The folder to write into (created if missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("The number of SQLs to write (≥ 1); one company per four leads.", valueName: "n"))
    var leads: Int

    @Option(help: ArgumentHelp("The seed of the random draws.", valueName: "s"))
    var seed: UInt64 = 1

    @Flag(help: "Overwrite files of the same names in the folder.")
    var force = false

    @Flag(help: "Report progress on standard error even when it is not a terminal.")
    var progress = false

    func validate() throws {
        guard leads >= 1 else {
            throw ValidationError("--leads must be at least 1, not \(leads).")
        }
        guard !out.isEmpty else {
            throw ValidationError("--out must name a folder.")
        }
    }

    func run() throws {
        let reporter = ProgressReporter(forced: progress)
        let generator = try CRMGenerator(leads: leads, seed: seed)
        reporter.report("Writing \(generator.companyCount) companies")
        let summary = try generator.write(to: URL(fileURLWithPath: out), overwrite: force) { step in
            guard step.leadsWritten > 0 else { return }
            reporter.report("Wrote \(step.leadsWritten) of \(step.totalLeads) leads, \(step.eventsWritten) events")
        }
        print("""
            Wrote \(out): \(summary.companies) companies, \(summary.contacts) contacts, \(summary.leads) leads, \
            \(summary.events) events.
            Closed: \(summary.won) won, \(summary.lost) lost (won rate \(String(format: "%.1f%%", 100 * summary.wonRate))); \
            \(summary.open) open.
            True model AUC on the closed leads: \(String(format: "%.4f", summary.trueModelAUC)).
            """)
    }
}
