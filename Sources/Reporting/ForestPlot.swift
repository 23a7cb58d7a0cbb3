import Training

/// Coefficients with their 95% confidence intervals on the log-odds scale, one row per model
/// column, a dashed line at zero (no effect): an `IntervalChart` laid out for a fit.
///
/// A coefficient `β` multiplies the odds of a win by `exp(β)` per unit of its column; the
/// interval is the Wald interval `β ± 1.96·se`. Rows whose interval excludes zero are coloured
/// by direction (raising, lowering the odds); the rest are grey. The intercept, on another
/// scale, is left out.
///
///     let plot = ForestPlot(coefficients: fit.coefficientTable, groups: groupNames)
///     let html = plot.figure(caption: "…")
public struct ForestPlot: Chart {
    /// The interval chart drawn.
    public let chart: IntervalChart

    public var name: String { chart.name }
    public var title: String { chart.title }
    public var summary: String { chart.summary }

    /// The plot of `coefficients`.
    ///
    /// - Parameters:
    ///   - coefficients: Estimates with standard errors, as `LogisticRegressionFit.coefficientTable`
    ///     gives them; a row named `intercept` is left out.
    ///   - groups: Per coefficient (after the intercept), the heading it goes under, such as the
    ///     spec feature its column comes from; `nil` for none.
    ///   - name: The `data-chart` name; default `forest`.
    public init(coefficients: [CoefficientEstimate], groups: [String]? = nil, name: String = "forest",
                title: String = "Coefficients with 95% confidence intervals") {
        let rows = coefficients.filter { $0.name != "intercept" }
        precondition(groups == nil || groups!.count == rows.count, "One group per coefficient.")
        let significant = rows.filter { $0.lower95 > 0 || $0.upper95 < 0 }.count
        let summary = "Forest plot of \(rows.count) coefficients on the log-odds scale, each with its 95% confidence "
            + "interval; \(significant) intervals exclude zero."
        let axis = ChartAxis(title: "Coefficient (change in log-odds per unit), 95% confidence interval",
                             covering: rows.flatMap { [$0.lower95, $0.upper95] }, includingZero: true, maximumTicks: 9)
        chart = IntervalChart(
            name: name, title: title, summary: summary, x: axis,
            rows: rows.enumerated().map { k, row in
                let color: ChartColor = row.lower95 > 0 ? .positive : row.upper95 < 0 ? .negative : .muted
                let detail = "\(row.name): \(ChartNumber.fixed(row.estimate, decimals: 3)) "
                    + "(95% CI \(ChartNumber.fixed(row.lower95, decimals: 3)) to \(ChartNumber.fixed(row.upper95, decimals: 3)); "
                    + "odds × \(ChartNumber.fixed(row.oddsRatio, decimals: 2)))"
                return IntervalChart.Row(label: row.name, low: row.lower95, estimate: row.estimate, high: row.upper95,
                                         group: groups?[k], color: color, detail: detail)
            },
            reference: (0, "no effect"))
    }

    public func svg() -> HTML { chart.svg() }
}
