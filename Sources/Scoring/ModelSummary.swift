import Foundation
import Training

/// The fit summary people read: the model's statistics and the coefficient table, laid out
/// as statsmodels' `LogitResults.summary()` does, plus odds ratios.
public enum ModelSummary {
    /// The model's card: what it was trained on and when, its cut-off rule, how it did on the
    /// held-out leads, how the penalty was chosen, and its grade cut points.
    public static func card(_ model: PropensityModel) -> String {
        var lines = ["Model card", String(repeating: "=", count: 100)]
        for fact in cardFacts(model) {
            for (k, text) in fact.lines.enumerated() { lines.append(pad(k == 0 ? fact.label : "", 22) + text) }
        }
        if let validation = model.validation {
            lines.append("")
            lines.append(tables(validation, of: "the held-out leads"))
        }
        if let calibration = model.calibration {
            lines.append("")
            lines.append(calibrationTable(calibration.after, title: "Calibration on the held-out leads after "
                + "\(calibration.calibrator.method.rawValue) (cross-fitted): deciles of the calibrated probability, lowest first"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The card's facts, each a label (`Trained on:`) and one or more lines: what `card` lays
    /// out as text and an HTML report as a definition list.
    public static func cardFacts(_ model: PropensityModel) -> [(label: String, lines: [String])] {
        var facts: [(label: String, lines: [String])] = []
        func fact(_ label: String, _ lines: String...) { facts.append((label, lines)) }
        let data = model.trainingData
        fact("Trained:", "\(model.trainedAt) with Propensity \(model.packageVersion) (model format \(model.formatVersion))")
        var range = ""
        if let from = data.closedFrom, let to = data.closedTo { range = ", closed \(day(from)) to \(day(to))" }
        fact("Trained on:", "\(data.rows) rows of \(data.file)\(range); \(data.positives) won")
        fact("Data fingerprint:", data.fnv1a64.isEmpty ? "none: the rows were read in parts, not as one file"
            : "\(data.bytes) bytes, FNV-1a 64 \(data.fnv1a64)")
        if case .crm(let pipeline) = model.input {
            let spec = pipeline.spec
            if let rule = spec.cutoff {
                let clamp = spec.tables.leads.closedAt.map { ", or `\($0)` when earlier" } ?? ""
                fact("Cut-off:", "`\(rule.after)` + \(String(format: "%g", rule.days)) days\(clamp); open leads as of scoring")
            } else {
                fact("Cut-off:", "none: every column is known before the outcome")
            }
            let constant = model.fit.constantFeatures.count
            fact("Features:", "\(spec.features.count) from the spec, \(model.fit.coefficients.count) model columns"
                + (constant > 0 ? " (\(constant) constant in training, left out of the fit)" : ""))
        }
        if let validation = model.validation {
            var range = ""
            if let from = validation.closedFrom, let to = validation.closedTo { range = ", closed \(day(from)) to \(day(to))" }
            fact("Validation:", "\(validation.rows) most recently closed leads held out\(range); \(validation.wins) won",
                 metricsLine(validation))
        } else if case .flatTable = model.input {
            fact("Validation:", "none (a flat table has no close dates to hold the latest leads out by)")
        } else {
            fact("Validation:", "none (trained with nothing held out: --holdout 0)")
        }
        if let calibration = model.calibration {
            fact("Calibration:", "\(calibrationName(calibration.calibrator)), fitted on the \(calibration.rows) held-out leads",
                 String(format: "expected calibration error %.4f before, %.4f after", calibration.before.expectedCalibrationError,
                        calibration.after.expectedCalibrationError),
                 "(after: cross-fitted, each half of the held-out leads by time calibrated by a fit on the other)")
        }
        if let search = model.penaltySearch {
            let best = search.candidates.first { $0.l2 == search.chosen }
            let rule = search.oneStandardError == true ? " (the largest within one standard error of the best)" : ""
            if let alpha = search.l1Ratio {
                let fit = model.fit
                fact("Penalty:", String(format: "elastic net, λ = %g, α = %g, chosen", search.chosen, alpha) + rule
                        + " by time-ordered cross-validation over a path of \(search.candidates.count) penalties",
                     String(format: "(%d folds, %d leads scored; log-loss %.4f); ", search.foldsUsed, search.scoredRows,
                            best?.logLoss ?? .nan)
                        + "\(fit.coefficients.count - fit.droppedFeatures.count) of \(fit.coefficients.count) columns kept")
            } else {
                fact("Penalty:", String(format: "λ = %g, chosen by time-ordered cross-validation", search.chosen) + rule,
                     String(format: "(%d folds, %d leads scored; log-loss %.4f)", search.foldsUsed, search.scoredRows,
                            best?.logLoss ?? .nan))
            }
        } else if model.fit.settings.usesL1 {
            let fit = model.fit
            fact("Penalty:", String(format: "elastic net, λ = %g, α = %g; ", fit.settings.l2, fit.settings.l1Ratio)
                + "\(fit.coefficients.count - fit.droppedFeatures.count) of \(fit.coefficients.count) columns kept")
        }
        let g = model.grades
        fact("Grades:", "A ≥ \(g.a), B ≥ \(g.b), C ≥ \(g.c), D below; score = round(100 × probability)",
             "(the lowest scores at most 10%, 30% and 60% of training leads reach)")
        return facts
    }

    /// AUC, log-loss, Brier score and calibration error in one line.
    static func metricsLine(_ evaluation: Evaluation) -> String {
        guard let m = evaluation.metrics else {
            return "no AUC: the leads are all \(evaluation.wins == 0 ? "lost" : "won")"
        }
        var text = String(format: "AUC %.4f, log-loss %.4f, Brier %.4f", m.auc, m.logLoss, m.brier)
        if let calibration = evaluation.calibration {
            text += String(format: ", expected calibration error %.4f", calibration.expectedCalibrationError)
        }
        return text
    }

    /// A calibrator in words: `Platt scaling, p = 1/(1 + exp(-0.9512·η + 0.0312))`,
    /// `isotonic regression through 23 points`.
    public static func calibrationName(_ calibrator: Calibrator) -> String {
        switch calibrator {
        case .platt(let platt):
            return "Platt scaling, p = 1/(1 + exp(" + String(format: "%.4f", platt.a) + "·η " + (platt.b < 0 ? "- " : "+ ")
                + String(format: "%.4f", abs(platt.b)) + "))"
        case .isotonic(let isotonic):
            return "isotonic regression through \(isotonic.thresholds.count) point\(isotonic.thresholds.count == 1 ? "" : "s")"
        }
    }

    /// An evaluation in words and tables: what `propensity evaluate` prints.
    public static func text(_ evaluation: Evaluation, of what: String) -> String {
        var lines = ["Evaluation of \(what)", String(repeating: "=", count: 100)]
        var range = ""
        if let from = evaluation.closedFrom, let to = evaluation.closedTo { range = ", closed \(day(from)) to \(day(to))" }
        lines.append(pad("Leads:", 22) + "\(evaluation.rows)\(range); \(evaluation.wins) won")
        lines.append(pad("Metrics:", 22) + metricsLine(evaluation))
        lines.append("")
        lines.append(tables(evaluation, of: "these leads"))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The calibration and lift tables side by side, one row per decile.
    static func tables(_ evaluation: Evaluation, of what: String) -> String {
        var lines: [String] = []
        if let calibration = evaluation.calibration {
            lines.append(calibrationTable(calibration, title: "Calibration on \(what): deciles of the predicted probability, lowest first"))
        }
        if let lift = evaluation.lift {
            if !lines.isEmpty { lines.append("") }
            lines.append("Lift on \(what): deciles of the predicted probability, highest first")
            lines.append(["decile", "leads", "wins", "win rate", "lift", "cum. gain", "cum. lift"].map { padLeft($0, 11) }.joined())
            for d in lift.deciles {
                lines.append(padLeft("\(d.decile)", 11) + padLeft("\(d.rows)", 11) + padLeft("\(d.wins)", 11)
                    + padLeft(String(format: "%.4f", d.winRate), 11) + padLeft(String(format: "%.2f", d.lift), 11)
                    + padLeft(String(format: "%.1f%%", 100 * d.gain), 11) + padLeft(String(format: "%.2f", d.cumulativeLift), 11))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A calibration table under a title, one row per decile.
    static func calibrationTable(_ calibration: CalibrationTable, title: String) -> String {
        var lines = [title]
        lines.append(["decile", "leads", "wins", "predicted", "observed", "lowest p", "highest p"].map { padLeft($0, 11) }.joined())
        for g in calibration.groups {
            lines.append(padLeft("\(g.group)", 11) + padLeft("\(g.rows)", 11) + padLeft("\(g.wins)", 11)
                + [g.meanPredicted, g.observedRate, g.lowestPredicted, g.highestPredicted]
                .map { padLeft(String(format: "%.4f", $0), 11) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The date part of an ISO 8601 instant.
    private static func day(_ instant: String) -> String { String(instant.prefix(10)) }

    /// The summary as text: lines of 100 characters when feature names have at most 23.
    public static func text(_ model: PropensityModel) -> String {
        card(model) + "\n" + statistics(model)
    }

    /// The fit's statistics and coefficient table, laid out as statsmodels does.
    public static func statistics(_ model: PropensityModel) -> String {
        let fit = model.fit
        let outcome = model.input.outcomeDescription
        let settings = fit.settings
        let scale = settings.standardize ? "standardized" : "raw"
        let dropped = fit.droppedFeatures
        let penalty = settings.l2 == 0
            ? "none (maximum likelihood)"
            : settings.usesL1
            ? "elastic net, λ = \(String(format: "%g", settings.l2)), α = \(String(format: "%g", settings.l1Ratio)) on \(scale) "
                + "coefficients; \(dropped.count) of \(fit.coefficients.count) dropped"
            : "L2, λ = \(String(format: "%g", settings.l2)) on \(scale) coefficients"
        let solver = !fit.hasCovariance ? (settings.usesL1 ? "OWL-QN iteration" : "L-BFGS iteration")
            : settings.usesL1 ? "proximal Newton iteration" : "Newton iteration"
        let convergence = fit.converged
            ? "yes, after \(fit.iterations) \(solver)\(fit.iterations == 1 ? "" : "s")"
            : "NO: stopped after \(fit.iterations) iterations; treat the estimates with care"
        var lines: [String] = []
        let rule = String(repeating: "=", count: 100)
        lines.append("Logistic regression of \(outcome)")
        lines.append(rule)
        func pair(_ a: String, _ av: String, _ b: String, _ bv: String) {
            lines.append(pad(a, 22) + padLeft(av, 26) + "    " + pad(b, 22) + padLeft(bv, 26))
        }
        pair("Training data:", model.trainingData.file, "Observations:", "\(fit.observationCount)")
        pair("Wins:", "\(model.trainingData.positives) (\(String(format: "%.1f", 100 * fit.positiveRate))%)",
             "Features:", "\(fit.coefficients.count)")
        pair("Log-likelihood:", number(fit.logLikelihood), "Null log-likelihood:", number(fit.nullLogLikelihood))
        pair("Pseudo R² (McFadden):", String(format: "%.4f", fit.pseudoRSquared), "Objective:", number(fit.objective))
        pair("AIC:", number(fit.aic), "BIC:", number(fit.bic))
        if let metrics = model.trainingMetrics {
            pair("Training AUC:", String(format: "%.4f", metrics.auc), "Training log-loss:", String(format: "%.4f", metrics.logLoss))
            pair("Training Brier:", String(format: "%.4f", metrics.brier),
                 settings.usesL1 ? "Max KKT violation:" : "Max |gradient|:", String(format: "%.2e", fit.maxAbsGradient))
        }
        lines.append(pad("Penalty:", 22) + penalty)
        lines.append(pad("Converged:", 22) + convergence)
        lines.append(rule)
        let nameWidth = max(23, min(40, (fit.featureNames + ["intercept"]).map(\.count).max() ?? 0))
        lines.append(pad("", nameWidth) + ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]", "odds ratio"]
            .map { padLeft($0, 11) }.joined())
        lines.append(String(repeating: "-", count: 100))
        let droppedNames = Set(dropped)
        let constantNames = Set(fit.constantFeatures)
        for row in fit.coefficientTable {
            let cells = constantNames.contains(row.name) && row.name != "intercept"
                ? [number(row.estimate), "constant"]
                : droppedNames.contains(row.name) && row.name != "intercept"
                ? [number(row.estimate), "dropped"]
                : !fit.hasCovariance
                ? [number(row.estimate), "", "", "", "", "", row.name == "intercept" ? "" : number(row.oddsRatio)]
                : [number(row.estimate), number(row.standardError), String(format: "%.3f", row.zValue),
                   String(format: "%.3f", row.pValue), number(row.lower95), number(row.upper95),
                   row.name == "intercept" ? "" : number(row.oddsRatio)]
            let line = pad(row.name, nameWidth) + cells.map { padLeft($0, 11) }.joined()
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        lines.append(rule)
        if !constantNames.isEmpty {
            let count = constantNames.count
            lines.append("Constant: \(count) \(count == 1 ? "column takes" : "columns take") one value on every training lead (such as an "
                + "empty hash bucket) and")
            lines.append("\(count == 1 ? "was" : "were") left out of the fit; with a penalty the best coefficient of a constant column is 0.")
        }
        if !fit.hasCovariance {
            lines.append("No standard errors: with \(fit.fittedFeatureCount) features, more than the \(settings.hessianFreeWidth) for which the")
            lines.append("Hessian is formed, the fit used only gradients and has no covariance (and scores have no range).")
        }
        if settings.usesL1 && !fit.hasCovariance {
            lines.append("Dropped: the L1 part of the penalty set the coefficient to exactly zero.")
        }
        if settings.usesL1 && fit.hasCovariance {
            lines.append("Dropped: the L1 part of the penalty set the coefficient to exactly zero. The others' standard")
            lines.append("errors are from the inverse of the penalized Hessian of the kept columns, as if the choice of")
            lines.append("columns were fixed: they ignore the selection, so p-values and intervals are optimistic.")
        } else if settings.l2 > 0 && fit.hasCovariance {
            lines.append("Standard errors are from the inverse of the penalized Hessian; p-values and intervals")
            lines.append("of a penalized fit are approximate (shrunk towards zero).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Four significant digits, in plain or scientific notation as the size requires.
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.3e", value) }
        return String(format: "%.4f", value)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}

/// The machine-readable summary `propensity inspect --json` prints.
public struct ModelReport: Codable, Equatable, Sendable {
    /// The intercept.
    public let intercept: Double
    /// Coefficient by feature name.
    public let coefficients: [String: Double]
    /// Standard error by feature name, and `intercept`; this and the z-values, p-values and
    /// intervals are empty for a fit without covariance.
    public let standardErrors: [String: Double]
    /// Wald z by feature name, and `intercept`.
    public let zValues: [String: Double]
    /// Two-sided p-value by feature name, and `intercept`.
    public let pValues: [String: Double]
    /// 95% confidence interval `[lower, upper]` by feature name, and `intercept`.
    public let confidenceIntervals: [String: [Double]]
    /// Odds ratio `exp(coefficient)` by feature name.
    public let oddsRatios: [String: Double]
    /// Feature names in coefficient order.
    public let featureNames: [String]
    public let logLikelihood: Double
    public let nullLogLikelihood: Double
    public let pseudoRSquared: Double
    public let aic: Double
    public let bic: Double
    public let objective: Double
    public let iterations: Int
    public let converged: Bool
    public let observations: Int
    public let l2: Double
    /// The elastic-net mixing α, when the model has an L1 penalty.
    public let l1Ratio: Double?
    /// The features the L1 penalty dropped (coefficient exactly 0), when the model has one;
    /// they appear in `coefficients` only (no standard error, z, p-value, interval or odds ratio).
    public let droppedFeatures: [String]?
    /// The features constant on the training rows, left out of the fit with a coefficient of 0,
    /// when there are any; like dropped ones they appear in `coefficients` only.
    public let constantFeatures: [String]?
    public let standardize: Bool
    public let trainingMetrics: ClassificationMetrics?
    /// The model card's facts: when, on what, validated how, graded how.
    public let trainedAt: String
    public let trainingData: DataFingerprint
    public let validation: Evaluation?
    public let penaltySearch: PenaltySearchResult?
    public let grades: GradeScale
    /// The calibration, when the model has one.
    public let calibration: ModelCalibration?

    /// The report of a model.
    public init(_ model: PropensityModel) {
        let fit = model.fit
        let dropped = Set(fit.droppedFeatures).union(fit.constantFeatures)
        // A dropped or constant column's coefficient has no standard error (its z would be 0/0).
        let table = fit.coefficientTable.filter { !dropped.contains($0.name) || $0.name == "intercept" }
        // Without a covariance there are no standard errors, z, p-values or intervals.
        let inferential = fit.hasCovariance ? table : []
        func byName(_ value: (CoefficientEstimate) -> Double) -> [String: Double] {
            Dictionary(inferential.map { ($0.name, value($0)) }, uniquingKeysWith: { a, _ in a })
        }
        intercept = fit.intercept
        coefficients = Dictionary(zip(fit.featureNames, fit.coefficients).map { ($0, $1) }, uniquingKeysWith: { a, _ in a })
        standardErrors = byName(\.standardError)
        zValues = byName(\.zValue)
        pValues = byName(\.pValue)
        confidenceIntervals = Dictionary(inferential.map { ($0.name, [$0.lower95, $0.upper95]) }, uniquingKeysWith: { a, _ in a })
        oddsRatios = Dictionary(table.dropFirst().map { ($0.name, $0.oddsRatio) }, uniquingKeysWith: { a, _ in a })
        featureNames = fit.featureNames
        logLikelihood = fit.logLikelihood
        nullLogLikelihood = fit.nullLogLikelihood
        pseudoRSquared = fit.pseudoRSquared
        aic = fit.aic
        bic = fit.bic
        objective = fit.objective
        iterations = fit.iterations
        converged = fit.converged
        observations = fit.observationCount
        l2 = fit.settings.l2
        l1Ratio = fit.settings.usesL1 ? fit.settings.l1Ratio : nil
        droppedFeatures = fit.settings.usesL1 ? fit.droppedFeatures : nil
        constantFeatures = fit.constantFeatures.isEmpty ? nil : fit.constantFeatures
        standardize = fit.settings.standardize
        trainingMetrics = model.trainingMetrics
        trainedAt = model.trainedAt
        trainingData = model.trainingData
        validation = model.validation
        penaltySearch = model.penaltySearch
        grades = model.grades
        calibration = model.calibration
    }

    /// The report as pretty-printed JSON with sorted keys.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try! encoder.encode(self)
        data.append(0x0A)
        return data
    }
}
