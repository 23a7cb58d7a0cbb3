import Analysis
import Features

extension ReportSection {
    /// The lead sources on closed history: each source's win rate with its Wilson interval
    /// against the overall rate (a chart), the source table (SQLs, wins, win rate, revenue,
    /// cost per lead and per won deal, revenue per unit of cost), observed against predicted
    /// wins on the held-out leads when the analysis had a model, and the rep × source cells
    /// the multiple-comparison-aware test flags.
    ///
    /// - Parameter analysis: What `SourceAnalysis(data:scorer:settings:)` (or without a model,
    ///   `SourceAnalysis(data:settings:)`) returns.
    public static func sources(_ analysis: SourceAnalysis) -> ReportSection {
        let overall = analysis.overall
        let confidence = DecimalText.readable(100 * analysis.settings.confidence) + "%"
        var content: [HTML] = [.paragraph(
            "\(grouped(overall.sqls)) closed SQLs, \(grouped(overall.wins)) won (\(percent(overall.winRate))). "
                + "Win rates with \(confidence) Wilson intervals; revenue is what won deals booked.")]
        if overall.leadsWithoutCost > 0 {
            content.append(.paragraph("\(grouped(overall.leadsWithoutCost)) closed leads have no cost; they are left out of "
                + "every cost figure.", class: "note"))
        }

        let rows = analysis.sources.map { group in
            IntervalChart.Row(label: group.name, low: group.interval.lower, estimate: group.winRate, high: group.interval.upper,
                              detail: "\(group.name): \(percent(group.winRate)) of \(grouped(group.sqls)) "
                                  + "(\(percent(group.interval.lower))–\(percent(group.interval.upper)))")
        }
        let bounds = analysis.sources.flatMap { [$0.interval.lower, $0.interval.upper] } + [overall.winRate]
        content.append(IntervalChart(
            name: "source-win-rates", title: "Win rate by lead source",
            summary: "Win rate of each of \(analysis.sources.count) lead sources with its \(confidence) Wilson interval; "
                + "the dashed line is the overall rate, \(percent(overall.winRate)).",
            x: ChartAxis(title: "Win rate", covering: bounds, includingZero: true, format: .percent),
            rows: rows, reference: (overall.winRate, "all sources")).figure(
                caption: "Win rate by lead source on closed SQLs, with \(confidence) Wilson intervals; the dashed line is "
                    + "the rate over all sources."))

        content.append(HTMLTable(
            columns: [.init("Source"), .init("SQLs", numeric: true), .init("Won", numeric: true),
                      .init("Win rate", numeric: true), .init("\(confidence) interval", numeric: true),
                      .init("Revenue", numeric: true), .init("Cost per lead", numeric: true),
                      .init("Cost per won deal", numeric: true), .init("Revenue per unit of cost", numeric: true)],
            rows: (analysis.sources + [overall]).map { group in
                [group.name, grouped(group.sqls), grouped(group.wins), percent(group.winRate),
                 "\(percent(group.interval.lower))–\(percent(group.interval.upper))", money(group.revenue),
                 group.costPerLead.map { money($0, decimals: 2) } ?? "–",
                 group.costPerWonDeal.map { money($0, decimals: 2) } ?? "–",
                 group.revenuePerCost.map { DecimalText.fixed($0, decimals: 1) } ?? "–"]
            },
            caption: "Lead sources on closed history").html)

        if analysis.split != nil {
            let checks = analysis.sources.compactMap { group in group.prediction(.heldOut).map { (group.name, $0) } }
            if checks.isEmpty {
                content.append(.paragraph("No closed lead was held out from the model's fit, so its predictions per source "
                    + "cannot be checked honestly here.", class: "note"))
            } else {
                content.append(HTMLTable(
                    columns: [.init("Source"), .init("Held-out leads", numeric: true), .init("Won", numeric: true),
                              .init("Predicted", numeric: true), .init("Difference", numeric: true),
                              .init("Adjusted p-value", numeric: true), .init("Flag")],
                    rows: checks.map { name, check in
                        let test = check.test
                        return [name, grouped(test.leads), grouped(test.observedWins), DecimalText.fixed(test.predictedWins, decimals: 1),
                                DecimalText.fixed(test.difference, decimals: 1, plus: true), pValue(check.adjustedPValue),
                                check.flag.map { $0 == .higher ? "beats its predictions" : "falls short" } ?? ""]
                    },
                    caption: "Observed against predicted wins per source, on the leads the model was not fitted on "
                        + "(exact Poisson-binomial test, \(analysis.settings.correction.name)-adjusted)").html)
            }
        }

        let flagged = analysis.repSources.filter { $0.flag != nil }
        let tested = analysis.repSources.filter { $0.pValue != nil }.count
        var cellsText = "Each rep × source cell's win rate was compared with the same rep's other sources (Fisher's exact "
            + "test), adjusted by \(analysis.settings.correction.name) over the \(tested) cells tested: "
        cellsText += flagged.isEmpty ? "none is flagged at level \(DecimalText.readable(analysis.settings.level))."
            : "\(flagged.count) flagged at level \(DecimalText.readable(analysis.settings.level))."
        content.append(.paragraph(cellsText))
        if !flagged.isEmpty {
            content.append(HTMLTable(
                columns: [.init("Rep"), .init("Source"), .init("SQLs", numeric: true), .init("Win rate", numeric: true),
                          .init("Rep's other sources", numeric: true), .init("Adjusted p-value", numeric: true),
                          .init("Flag")],
                rows: flagged.map { cell in
                    [cell.rep, cell.source, grouped(cell.sqls), percent(cell.winRate),
                     cell.otherWinRate.map { "\(percent($0)) of \(grouped(cell.otherSQLs))" } ?? "–",
                     cell.adjustedPValue.map(pValue) ?? "–", cell.flag == .higher ? "higher" : "lower"]
                },
                caption: "Rep × source cells whose win rate differs from the rep's other sources beyond chance").html)
        }
        return ReportSection(id: "sources", title: "Lead sources and reps", content: content)
    }

    /// `1,234`.
    static func grouped(_ value: Int) -> String { DecimalText.grouped(Double(value)) }

    /// Money with thousands grouping: `76,825,500`, `241.07`.
    static func money(_ value: Double, decimals: Int = 0) -> String { DecimalText.grouped(value, decimals: decimals) }
}
