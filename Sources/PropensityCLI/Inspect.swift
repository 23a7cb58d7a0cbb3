import ArgumentParser
import Foundation
import Propensity

/// `propensity inspect`: print a saved model's coefficient table.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a saved model's card, statistics and coefficient table.",
        discussion: """
            The card says when and with which version the model was trained, on which rows \
            (count, close dates, the leads file's size and hash), its cut-off rule, its \
            validation on the most recently closed leads (metrics, calibration and lift by \
            decile), how --l2 auto chose the penalty, the grade cut points and, for a model trained \
            with --calibration, the calibration method and the expected calibration error on the \
            held-out leads before and after it.

            With --json, prints an object with intercept, coefficients, standardErrors, \
            zValues, pValues, confidenceIntervals and oddsRatios (each keyed by feature name; \
            the intercept's under `intercept`), logLikelihood, nullLogLikelihood, \
            pseudoRSquared, aic, bic, iterations, converged, trainingMetrics, and the card's \
            trainedAt, trainingData, validation, penaltySearch, grades and calibration.
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
