import ArgumentParser
import Foundation
import Propensity

/// `propensity inspect`: print a saved model's coefficient table.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a saved model's statistics and coefficient table.",
        discussion: """
            With --json, prints an object with intercept, coefficients, standardErrors, \
            zValues, pValues, confidenceIntervals and oddsRatios (each keyed by feature name; \
            the intercept's under `intercept`), logLikelihood, nullLogLikelihood, \
            pseudoRSquared, aic, bic, iterations, converged and trainingMetrics.
            """
    )

    @Argument(help: ArgumentHelp("The model file written by `propensity train`.", valueName: "model.json"))
    var model: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let loaded = try ModelFile.read(from: URL(fileURLWithPath: model))
        if json {
            FileHandle.standardOutput.write(ModelReport(loaded).json)
        } else {
            print(ModelSummary.text(loaded), terminator: "")
        }
    }
}
