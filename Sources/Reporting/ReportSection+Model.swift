import Foundation
import Features
import Scoring
import Training

extension ReportSection {
    /// The model card: what the model predicts, what it was trained on and when, its cut-off,
    /// validation, penalty and grades (the facts `propensity inspect` prints), and the fit.
    ///
    /// - Parameter file: The model file's path as the user gave it, shown first; `nil` to omit.
    public static func modelCard(_ model: PropensityModel, file: String? = nil) -> ReportSection {
        let fit = model.fit
        var facts: [(term: String, lines: [String])] = []
        if let file { facts.append(("Model file:", [file])) }
        facts.append(("Predicts:", ["P(\(model.input.outcomeDescription)), by logistic regression"]))
        facts += ModelSummary.cardFacts(model).map { ($0.label, $0.lines) }
        let penalty = fit.settings.l2 == 0 ? "none (maximum likelihood)"
            : "L2, λ = \(ChartNumber.fixed(fit.settings.l2, decimals: 4).trimmingZeros) on \(fit.settings.standardize ? "standardized" : "raw") coefficients"
        facts.append(("Fit:", [
            "\(fit.observationCount) observations, \(fit.coefficients.count) coefficients; penalty \(penalty)",
            "log-likelihood \(ChartNumber.fixed(fit.logLikelihood, decimals: 2)) (null \(ChartNumber.fixed(fit.nullLogLikelihood, decimals: 2))), "
                + "McFadden pseudo R² \(ChartNumber.fixed(fit.pseudoRSquared, decimals: 4)), AIC \(ChartNumber.fixed(fit.aic, decimals: 1))",
            fit.converged ? "converged after \(fit.iterations) Newton iteration\(fit.iterations == 1 ? "" : "s")"
                : "did NOT converge (stopped after \(fit.iterations) iterations): treat the estimates with care",
        ]))
        if let metrics = model.trainingMetrics {
            facts.append(("On training rows:", ["AUC \(ChartNumber.fixed(metrics.auc, decimals: 4)), log-loss "
                + "\(ChartNumber.fixed(metrics.logLoss, decimals: 4)), Brier \(ChartNumber.fixed(metrics.brier, decimals: 4))"]))
        }
        return ReportSection(id: "model-card", title: "Model card", content: [.definitionList(facts)])
    }

    /// The coefficients: a forest plot (log-odds with 95% intervals, rows under the spec feature
    /// each column comes from) and the table of estimates, standard errors, z, p-values,
    /// intervals and odds ratios.
    public static func coefficients(_ model: PropensityModel) -> ReportSection {
        let fit = model.fit
        let table = fit.coefficientTable
        let groups = specFeatureNames(model)
        guard fit.hasCovariance else { return coefficientsWithoutCovariance(model) }
        // Columns the L1 penalty dropped, or constant in training, have no interval; the plot
        // shows the kept ones.
        let dropped = Set(fit.droppedFeatures)
        let constant = Set(fit.constantFeatures)
        let kept = table.indices.filter { $0 == 0 || !(dropped.contains(table[$0].name) || constant.contains(table[$0].name)) }
        let plot = ForestPlot(coefficients: kept.map { table[$0] },
                              groups: groups.map { names in kept.dropFirst().map { names[$0 - 1] } })
        var content: [HTML] = [
            .paragraph("Each coefficient is the change in the log-odds of a win per unit of its column, the others held "
                + "fixed; the odds are multiplied by exp(coefficient). Lines are 95% Wald intervals (coefficient ± 1.96 "
                + "standard errors); green raises and orange lowers the odds with an interval excluding zero, grey "
                + "intervals include it."),
        ]
        if fit.settings.usesL1 {
            content.append(.paragraph("The fit is penalized by an elastic net (λ = \(String(format: "%g", fit.settings.l2)), "
                + "α = \(String(format: "%g", fit.settings.l1Ratio))): its L1 part set \(dropped.count) of the "
                + "\(table.count - 1) coefficients to exactly zero (marked dropped in the table, left out of the plot). "
                + "The others' standard errors come from the penalized Hessian of the kept columns as if the choice of "
                + "columns were fixed, so their intervals and p-values are optimistic.", class: "note"))
        } else if fit.settings.l2 > 0 {
            content.append(.paragraph("The fit is penalized (L2), so the standard errors come from the penalized Hessian "
                + "and the intervals and p-values are approximate, shrunk towards zero.", class: "note"))
        }
        content.append(plot.figure(caption: "Coefficients of the \(kept.count - 1) kept model columns on the log-odds scale "
            + "with 95% confidence intervals, grouped by spec feature. The intercept (\(ChartNumber.fixed(fit.intercept, decimals: 3))) "
            + "is in the table."))
        let columns: [HTMLTable.Column] = [
            .init("Spec feature"), .init("Column"), .init("Coefficient", numeric: true), .init("Std. error", numeric: true),
            .init("z", numeric: true), .init("P>|z|", numeric: true), .init("95% CI low", numeric: true),
            .init("95% CI high", numeric: true), .init("Odds ratio", numeric: true),
        ]
        let rows = table.enumerated().map { k, row -> [String] in
            let isIntercept = k == 0
            if !isIntercept && (dropped.contains(row.name) || constant.contains(row.name)) {
                let why = constant.contains(row.name) ? "constant" : "dropped"
                return [groups?[k - 1] ?? "", row.name, number(row.estimate), why, "", "", "", "", ""]
            }
            return [isIntercept ? "" : groups?[k - 1] ?? "", row.name, number(row.estimate), number(row.standardError),
                    ChartNumber.fixed(row.zValue, decimals: 2), pValue(row.pValue), number(row.lower95), number(row.upper95),
                    isIntercept ? "" : number(row.oddsRatio)]
        }
        content.append(HTMLTable(columns: columns, rows: rows, caption: "Coefficient table").html)
        return ReportSection(id: "coefficients", title: "Coefficients", content: content)
    }

    /// The most model columns the table of a fit without covariance lists.
    static let wideTableLimit = 200

    /// The coefficients of a fit without covariance (above its Hessian-free width): a table of
    /// the intercept and the `wideTableLimit` non-zero coefficients with the largest effect per
    /// standard deviation of their column, in column order, with odds ratios; and why there are
    /// no intervals. Dropped and constant columns are counted, not listed.
    private static func coefficientsWithoutCovariance(_ model: PropensityModel) -> ReportSection {
        let fit = model.fit
        let groups = specFeatureNames(model)
        let nonzero = fit.coefficients.indices.filter { fit.coefficients[$0] != 0 }
        let shown = nonzero.count <= wideTableLimit ? nonzero : nonzero
            .sorted { abs(fit.coefficients[$0] * fit.standardDeviations[$0]) > abs(fit.coefficients[$1] * fit.standardDeviations[$1]) }
            .prefix(wideTableLimit).sorted()
        var note = "With \(fit.fittedFeatureCount) fitted model columns, more than the \(fit.settings.hessianFreeWidth) for which the "
            + "Hessian is formed, the model was fitted from gradients alone (L-BFGS): it has no covariance, so no standard "
            + "errors, intervals or p-values, and its scores have no range."
        if fit.settings.usesL1 {
            note += " The L1 part of the penalty set \(fit.droppedFeatures.count) of the coefficients to exactly zero."
        }
        if !fit.constantFeatures.isEmpty {
            note += " \(fit.constantFeatures.count) columns were constant in training and left out of the fit (coefficient 0)."
        }
        if shown.count < nonzero.count {
            note += " The table lists the \(shown.count) of the \(nonzero.count) non-zero coefficients with the largest effect "
                + "per standard deviation of their column, in column order; `propensity inspect --json` gives every one."
        }
        let columns: [HTMLTable.Column] = [
            .init("Spec feature"), .init("Column"), .init("Coefficient", numeric: true), .init("Odds ratio", numeric: true),
        ]
        let rows = [["", "intercept", number(fit.intercept), ""]] + shown.map { j in
            [groups?[j] ?? "", fit.featureNames[j], number(fit.coefficients[j]), number(exp(fit.coefficients[j]))]
        }
        return ReportSection(id: "coefficients", title: "Coefficients", content: [
            .paragraph("Each coefficient is the change in the log-odds of a win per unit of its column, the others held "
                + "fixed; the odds are multiplied by exp(coefficient)."),
            .paragraph(note, class: "note"),
            HTMLTable(columns: columns, rows: rows, caption: "Coefficient table").html,
        ])
    }

    /// For each model column after the intercept, the spec feature it comes from; `nil` for a
    /// flat-table model.
    static func specFeatureNames(_ model: PropensityModel) -> [String]? {
        guard case .crm(let pipeline) = model.input else { return nil }
        return zip(pipeline.spec.features, pipeline.features).flatMap { definition, fitted in
            Array(repeating: definition.name, count: fitted.columnNames.count)
        }
    }

    /// The sections on the held-out leads: ROC curve, calibration and lift; a model without
    /// validation gets one section saying why there is none and what to do.
    public static func validation(_ model: PropensityModel) -> [ReportSection] {
        guard let validation = model.validation else {
            let why: String
            if case .flatTable = model.input {
                why = "This model was trained on a flat table, which has no close dates to hold the most recent leads out by."
            } else {
                why = "This model was trained with --holdout 0, so no leads were held out to validate it on."
            }
            return [ReportSection(id: "validation", title: "Validation", content: [
                .paragraph(why + " The ROC curve, calibration plot and lift chart are omitted. Retrain with a holdout "
                    + "(the default, --holdout 0.2) to include them, or measure the model on a later export with "
                    + "`propensity evaluate`.", class: "note"),
            ])]
        }
        return [roc(validation), calibration(validation, calibrated: model.calibration), lift(validation)]
    }

    /// "668 held-out leads closed 2025-03-25 to 2025-06-30, 223 won".
    static func describe(_ evaluation: Evaluation) -> String {
        var text = "\(evaluation.rows) held-out leads"
        if let from = evaluation.closedFrom, let to = evaluation.closedTo {
            text += " closed \(from.prefix(10)) to \(to.prefix(10))"
        }
        return text + ", \(evaluation.wins) won"
    }

    /// The ROC curve of an evaluation, against the diagonal of a random ordering.
    public static func roc(_ evaluation: Evaluation) -> ReportSection {
        let title = "ROC curve"
        guard let metrics = evaluation.metrics else {
            return ReportSection(id: "roc", title: title, content: [
                .paragraph("No ROC curve: the \(describe(evaluation)) are all \(evaluation.wins == 0 ? "lost" : "won").", class: "note"),
            ])
        }
        guard let curve = evaluation.roc else {
            return ReportSection(id: "roc", title: title, content: [
                .paragraph("AUC \(ChartNumber.fixed(metrics.auc, decimals: 4)) on the \(describe(evaluation)).") ,
                .paragraph("This model file was written before ROC curves were recorded; retrain the model to include it.", class: "note"),
            ])
        }
        let axis = { (title: String) in ChartAxis(title: title, scale: NiceScale(lower: 0, upper: 1)) }
        let chart = LineChart(
            name: "roc", title: "ROC curve on the held-out leads",
            summary: "True positive rate against false positive rate as the threshold on the predicted probability falls, "
                + "from \(curve.points.count) points; AUC \(ChartNumber.fixed(metrics.auc, decimals: 4)).",
            x: axis("False positive rate (share of lost leads above the threshold)"),
            y: axis("True positive rate (share of won)"),
            series: [.init(name: "model (AUC \(ChartNumber.fixed(metrics.auc, decimals: 3)))",
                           points: curve.points.map { ($0.falsePositiveRate, $0.truePositiveRate) })],
            diagonal: "random ordering (AUC 0.5)")
        var caption = "ROC curve on the \(describe(evaluation)): AUC \(ChartNumber.fixed(metrics.auc, decimals: 4)), the chance "
            + "that a won lead scores above a lost one."
        if curve.isThinned { caption += " Drawn through \(curve.points.count) of its corner points." }
        return ReportSection(id: "roc", title: title, content: [chart.figure(caption: caption)])
    }

    /// Predicted against observed win rates by decile of the prediction, with the diagonal of
    /// perfect calibration, and the table; for a calibrated model, a second series and table
    /// after calibration (cross-fitted on the held-out leads, see `ModelCalibration`) and the
    /// expected calibration error before and after.
    ///
    /// - Parameters:
    ///   - evaluation: The held-out leads' evaluation (the model's own probabilities).
    ///   - calibrated: The model's calibration, or `nil` (the default) for none.
    public static func calibration(_ evaluation: Evaluation, calibrated: ModelCalibration? = nil) -> ReportSection {
        guard let table = evaluation.calibration else {
            return ReportSection(id: "calibration", title: "Calibration", content: [
                .paragraph("No calibration plot: there are no held-out leads.", class: "note"),
            ])
        }
        if let calibrated { return calibration(evaluation, before: table, calibrated: calibrated) }
        let upper = NiceScale(covering: table.groups.flatMap { [$0.meanPredicted, $0.observedRate] } + [0], maximumTicks: 6).upper
        let scale = NiceScale(lower: 0, upper: min(1, upper))
        let chart = LineChart(
            name: "calibration", title: "Calibration on the held-out leads",
            summary: "Observed win rate against mean predicted probability in each of \(table.groups.count) deciles of the "
                + "prediction; expected calibration error \(ChartNumber.fixed(table.expectedCalibrationError, decimals: 4)).",
            x: ChartAxis(title: "Mean predicted probability", scale: scale, format: .percent),
            y: ChartAxis(title: "Observed win rate", scale: scale, format: .percent),
            series: [.init(name: "deciles", points: table.groups.map { ($0.meanPredicted, $0.observedRate) }, showsPoints: true)],
            diagonal: "perfect calibration")
        let rows = table.groups.map { g in
            ["\(g.group)", "\(g.rows)", "\(g.wins)", percent(g.meanPredicted), percent(g.observedRate),
             percent(g.lowestPredicted), percent(g.highestPredicted)]
        }
        return ReportSection(id: "calibration", title: "Calibration", content: [
            chart.figure(caption: "Calibration on the \(describe(evaluation)): each dot is a decile of the predicted "
                + "probability; on the diagonal, predictions match outcomes. Expected calibration error "
                + "\(ChartNumber.fixed(table.expectedCalibrationError, decimals: 4))."),
            HTMLTable(columns: [.init("Decile", numeric: true), .init("Leads", numeric: true), .init("Wins", numeric: true),
                                .init("Mean predicted", numeric: true), .init("Observed", numeric: true),
                                .init("Lowest p", numeric: true), .init("Highest p", numeric: true)],
                      rows: rows, caption: "Calibration by decile, lowest predictions first").html,
        ])
    }

    /// The calibration section of a calibrated model: the reliability curves before and after,
    /// and both tables.
    static func calibration(_ evaluation: Evaluation, before: CalibrationTable, calibrated: ModelCalibration) -> ReportSection {
        let after = calibrated.after
        let method = calibrated.calibrator.method == .platt ? "Platt scaling" : "isotonic regression"
        let (eceBefore, eceAfter) = (ChartNumber.fixed(before.expectedCalibrationError, decimals: 4),
                                     ChartNumber.fixed(after.expectedCalibrationError, decimals: 4))
        let values = (before.groups + after.groups).flatMap { [$0.meanPredicted, $0.observedRate] }
        let upper = NiceScale(covering: values + [0], maximumTicks: 6).upper
        let scale = NiceScale(lower: 0, upper: min(1, upper))
        let chart = LineChart(
            name: "calibration", title: "Calibration on the held-out leads, before and after \(method)",
            summary: "Observed win rate against mean predicted probability by decile of the prediction, for the model's own "
                + "probabilities (\(before.groups.count) deciles, expected calibration error \(eceBefore)) and for the "
                + "calibrated ones, cross-fitted (\(after.groups.count) deciles, expected calibration error \(eceAfter)).",
            x: ChartAxis(title: "Mean predicted probability", scale: scale, format: .percent),
            y: ChartAxis(title: "Observed win rate", scale: scale, format: .percent),
            series: [.init(name: "before (ECE \(eceBefore))", points: before.groups.map { ($0.meanPredicted, $0.observedRate) },
                           showsPoints: true),
                     .init(name: "after \(calibrated.calibrator.method.rawValue) (ECE \(eceAfter))",
                           points: after.groups.map { ($0.meanPredicted, $0.observedRate) }, color: .secondary, showsPoints: true)],
            diagonal: "perfect calibration")
        func rows(_ table: CalibrationTable) -> [[String]] {
            table.groups.map { g in
                ["\(g.group)", "\(g.rows)", "\(g.wins)", percent(g.meanPredicted), percent(g.observedRate),
                 percent(g.lowestPredicted), percent(g.highestPredicted)]
            }
        }
        let columns: [HTMLTable.Column] = [
            .init("Decile", numeric: true), .init("Leads", numeric: true), .init("Wins", numeric: true),
            .init("Mean predicted", numeric: true), .init("Observed", numeric: true),
            .init("Lowest p", numeric: true), .init("Highest p", numeric: true),
        ]
        return ReportSection(id: "calibration", title: "Calibration", content: [
            .paragraph("The model's probabilities are calibrated (\(ModelSummary.calibrationName(calibrated.calibrator))), "
                + "fitted on the \(calibrated.rows) held-out leads: the probabilities, their ranges, scores and grades in this "
                + "report are calibrated; the factors stay on the model's log-odds. Fitting and measuring on the same leads "
                + "would flatter the calibration, so \"after\" is cross-fitted: the held-out leads are split by close date "
                + "into an earlier and a later half, and each half is calibrated by a fit on the other."),
            chart.figure(caption: "Calibration on the \(describe(evaluation)): each dot is a decile of the predicted probability, "
                + "before (the model's own) and after calibration (cross-fitted); on the diagonal, predictions match outcomes. "
                + "Expected calibration error \(eceBefore) before, \(eceAfter) after."),
            HTMLTable(columns: columns, rows: rows(before), caption: "Before calibration: by decile, lowest predictions first").html,
            HTMLTable(columns: columns, rows: rows(after),
                      caption: "After \(method), cross-fitted: by decile of the calibrated probability, lowest first").html,
        ])
    }

    /// Lift by decile (highest predictions first) against the 1 of a random ordering, and the
    /// table with cumulative gain.
    public static func lift(_ evaluation: Evaluation) -> ReportSection {
        guard let table = evaluation.lift else {
            return ReportSection(id: "lift", title: "Lift", content: [
                .paragraph("No lift chart: the \(describe(evaluation)) include no wins to lift.", class: "note"),
            ])
        }
        let chart = BarChart(
            name: "lift", title: "Lift by decile on the held-out leads",
            summary: "Win rate of each decile of the predicted probability divided by the overall win rate "
                + "\(percent(table.overallRate)), highest predictions first; the top decile's lift is "
                + "\(ChartNumber.fixed(table.deciles.first?.lift ?? 0, decimals: 2)).",
            categoryTitle: "Decile of the predicted probability (1 = highest)",
            y: ChartAxis(title: "Lift", covering: table.deciles.map(\.lift) + [1], includingZero: true),
            bars: table.deciles.map { d in
                .init(label: "\(d.decile)", value: d.lift,
                      detail: "Decile \(d.decile): \(d.wins) of \(d.rows) won (\(percent(d.winRate))), lift \(ChartNumber.fixed(d.lift, decimals: 2))")
            },
            reference: (1, "random ordering"))
        let rows = table.deciles.map { d in
            ["\(d.decile)", "\(d.rows)", "\(d.wins)", percent(d.winRate), ChartNumber.fixed(d.lift, decimals: 2),
             percent(d.gain), ChartNumber.fixed(d.cumulativeLift, decimals: 2)]
        }
        return ReportSection(id: "lift", title: "Lift", content: [
            chart.figure(caption: "Lift on the \(describe(evaluation)): how many times the overall win rate "
                + "(\(percent(table.overallRate))) each decile wins, highest predictions first."),
            HTMLTable(columns: [.init("Decile", numeric: true), .init("Leads", numeric: true), .init("Wins", numeric: true),
                                .init("Win rate", numeric: true), .init("Lift", numeric: true),
                                .init("Cumulative gain", numeric: true), .init("Cumulative lift", numeric: true)],
                      rows: rows, caption: "Lift by decile, highest predictions first").html,
        ])
    }

    /// A probability in percent with one decimal.
    static func percent(_ value: Double) -> String { ChartNumber.fixed(100 * value, decimals: 1) + "%" }

    /// Four significant decimals, or scientific notation for very small or large values.
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.3e", value) }
        return ChartNumber.fixed(value, decimals: 4)
    }

    /// A p-value: three decimals, or `< 0.001`.
    static func pValue(_ value: Double) -> String { value < 0.001 ? "< 0.001" : ChartNumber.fixed(value, decimals: 3) }
}

extension String {
    /// `1.5000` → `1.5`, `2.000` → `2`.
    var trimmingZeros: String {
        guard contains(".") else { return self }
        var text = self
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
