import Features
import Forecasting

extension ReportSection {
    /// The pipeline forecast: expected wins and revenue with their P10–P90 ranges, in total and
    /// per group of the first breakdown (charts of both and a table), the backtest on a past
    /// quarter next to what actually happened, and the forecast's assumptions.
    ///
    /// - Parameter forecast: What `PipelineForecaster.forecast` returns.
    public static func forecast(_ forecast: PipelineForecast) -> ReportSection {
        let pipeline = forecast.pipeline
        let total = pipeline.total
        var content: [HTML] = [.paragraph(
            "The \(grouped(total.leads)) leads open as of \(pipeline.asOf) are expected to bring "
                + "\(DecimalText.fixed(total.expectedWins, decimals: 1)) wins (P10–P90 \(whole(total.wins.p10))–\(whole(total.wins.p90))) "
                + "and \(money(total.expectedRevenue)) in revenue (P10–P90 \(money(total.revenue.p10))–\(money(total.revenue.p90))).")]

        let breakdown = pipeline.breakdowns.first
        let groups = [total] + (breakdown?.groups ?? [])
        let by = breakdown.map { " by \($0.field)" } ?? ""
        func label(_ group: GroupForecast, _ index: Int) -> String { index == 0 ? "all open leads" : group.group }
        content.append(IntervalChart(
            name: "forecast-wins", title: "Wins expected from the open pipeline\(by)",
            summary: "P10, P50 and P90 of the number of wins, in total and\(by) (exact Poisson-binomial).",
            x: ChartAxis(title: "Wins", covering: groups.flatMap { [$0.wins.p10, $0.wins.p90] }, includingZero: true),
            rows: groups.enumerated().map { index, group in
                .init(label: label(group, index), low: group.wins.p10, estimate: group.wins.p50, high: group.wins.p90,
                      detail: "\(label(group, index)): P50 \(whole(group.wins.p50)) wins, P10–P90 \(whole(group.wins.p10))–\(whole(group.wins.p90))")
            }).figure(caption: "Number of wins from the open pipeline: the bar runs from P10 to P90, the dot is the P50."))
        content.append(IntervalChart(
            name: "forecast-revenue", title: "Revenue expected from the open pipeline\(by)",
            summary: "P10, P50 and P90 of the won revenue, in total and\(by).",
            x: ChartAxis(title: "Revenue", covering: groups.flatMap { [$0.revenue.p10, $0.revenue.p90] }, includingZero: true),
            rows: groups.enumerated().map { index, group in
                .init(label: label(group, index), low: group.revenue.p10, estimate: group.revenue.p50, high: group.revenue.p90,
                      detail: "\(label(group, index)): P50 \(money(group.revenue.p50)), P10–P90 \(money(group.revenue.p10))–\(money(group.revenue.p90))")
            }).figure(caption: "Won revenue from the open pipeline (Σ of amounts of the deals won): P10 to P90, dot at the P50."))
        content.append(HTMLTable(
            columns: [.init(breakdown?.field ?? "Group"), .init("Open leads", numeric: true), .init("Expected wins", numeric: true),
                      .init("Wins P10–P90", numeric: true), .init("Expected revenue", numeric: true),
                      .init("Revenue P10–P90", numeric: true), .init("Revenue method")],
            rows: groups.enumerated().map { index, group in
                [label(group, index), grouped(group.leads), DecimalText.fixed(group.expectedWins, decimals: 1),
                 "\(whole(group.wins.p10))–\(whole(group.wins.p90))", money(group.expectedRevenue),
                 "\(money(group.revenue.p10))–\(money(group.revenue.p90))",
                 group.revenueMethod == .exact ? "exact" : "simulated (\(grouped(group.simulations ?? 0)) runs)"]
            },
            caption: "The open pipeline's forecast\(by)").html)

        if let backtest = forecast.backtest {
            let past = backtest.pipeline
            var text = "Backtest: the pipeline as it stood at the start of \(backtest.quarter) (\(past.asOf)), forecast with "
                + "the features of then, against what those leads did by \(backtest.resolvedBy)."
            if backtest.leadsInTraining > 0 {
                text += " \(grouped(backtest.leadsInTraining)) of its leads closed by the model's last training close"
                    + (backtest.trainingClosedTo.map { " (\($0))" } ?? "") + ", so their outcomes were in its training data."
            }
            content.append(.paragraph(text))
            let rows = ([past.total] + (past.breakdowns.first?.groups ?? [])).enumerated().compactMap { index, group -> [String]? in
                guard let actual = group.actual else { return nil }
                return [index == 0 ? "all" : group.group, grouped(group.leads),
                        "\(whole(group.wins.p10))–\(whole(group.wins.p90))", grouped(actual.won), actual.winsInBand ? "yes" : "no",
                        "\(money(group.revenue.p10))–\(money(group.revenue.p90))", money(actual.wonRevenue),
                        actual.revenueInBand ? "yes" : "no", grouped(actual.unresolved)]
            }
            content.append(HTMLTable(
                columns: [.init(past.breakdowns.first?.field ?? "Group"), .init("Leads", numeric: true),
                          .init("Wins P10–P90", numeric: true), .init("Won", numeric: true), .init("In band"),
                          .init("Revenue P10–P90", numeric: true), .init("Won revenue", numeric: true), .init("In band"),
                          .init("Still open", numeric: true)],
                rows: rows, caption: "Backtest on \(backtest.quarter): forecast ranges against what happened").html)
            let coverage = backtest.coverage.map { c in
                "\(c.field): wins within the band for \(c.winsInBand) of \(c.groups), revenue for \(c.revenueInBand) of \(c.groups)"
            }
            if !coverage.isEmpty { content.append(.paragraph("Coverage of the P10–P90 bands (80% expected): " + coverage.joined(separator: "; ") + ".")) }
        } else if let why = forecast.backtestSkipped {
            content.append(.paragraph("No backtest: \(why)", class: "note"))
        }
        for note in forecast.notes { content.append(.paragraph(note, class: "note")) }
        return ReportSection(id: "forecast", title: "Forecast", content: content)
    }

    /// A quantile of a count, as a whole number.
    static func whole(_ value: Double) -> String { DecimalText.grouped(value, decimals: 0) }
}
