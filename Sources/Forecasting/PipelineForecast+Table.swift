import Features

extension PipelineForecast {
    /// The forecast as a table for a terminal: numbers right-aligned, revenue in whole units
    /// with thousands separators, the backtest and its coverage below, then the notes.
    public var tableText: String {
        var out = "Forecast of the pipeline as of \(pipeline.asOf): \(pipeline.total.leads) open SQLs\n\n"
        out += Self.forecastTable(pipeline)
        if let backtest {
            let section = backtest.pipeline
            let actual = section.total.actual!
            out += "\nBacktest: the pipeline at the start of \(backtest.quarter) (\(section.asOf)), \(section.total.leads) open SQLs "
                + "scored as of then, against what they did by \(backtest.resolvedBy)"
                + (backtest.automatic ? " (the first quarter the model's validation covers)" : "") + ".\n"
            if backtest.leadsInTraining > 0 {
                out += "Partly in training: \(backtest.leadsInTraining) of these leads closed by \(backtest.trainingClosedTo ?? "?"), "
                    + "the last close the model was trained on, so their outcomes were fitted; the backtest flatters the model.\n"
            } else {
                out += "None of these leads' outcomes were in the model's training data.\n"
            }
            if actual.unresolved > 0 {
                out += "\(actual.unresolved) of them were still open on \(backtest.resolvedBy): `won` counts wins by then, a lower "
                    + "bound of the eventual wins the forecast is for.\n"
            }
            out += "\n" + Self.backtestTable(section)
            out += "\nCoverage of the P10–P90 bands (actual within the band):\n"
            for coverage in backtest.coverage {
                let name = coverage.field == "total" ? "total" : "by \(coverage.field)"
                out += "  \(name): wins \(coverage.winsInBand) of \(coverage.groups), revenue \(coverage.revenueInBand) of \(coverage.groups)"
                if coverage.field != "total" && coverage.groups < 10 {
                    out += " (few groups: a P10–P90 band should hold about 80% of them, which \(coverage.groups) groups can hardly show)"
                }
                out += "\n"
            }
        } else if let backtestSkipped {
            out += "\nNo backtest: \(backtestSkipped)\n"
        }
        out += "\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n"
        return out
    }

    static func rows(_ section: PipelineSection) -> [(label: String, group: GroupForecast?)] {
        var rows: [(String, GroupForecast?)] = [("total", section.total)]
        for breakdown in section.breakdowns {
            rows.append(("by \(breakdown.field)", nil))
            rows += breakdown.groups.map { ("  " + $0.group, $0) }
        }
        return rows
    }

    static func forecastTable(_ section: PipelineSection) -> String {
        let all = [section.total] + section.breakdowns.flatMap(\.groups)
        let simulated = all.contains { $0.revenueMethod == .simulation }
        var header = ["", "leads", "exp. wins", "P10", "P50", "P90", "exp. revenue", "P10", "P50", "P90"]
        if simulated { header.append("MC s.e.") }
        let lines = rows(section).map { label, group -> [String] in
            guard let group else { return [label] }
            var cells = [label, String(group.leads), DecimalText.fixed(group.expectedWins, decimals: 1),
                         whole(group.wins.p10), whole(group.wins.p50), whole(group.wins.p90), grouped(group.expectedRevenue),
                         grouped(group.revenue.p10), grouped(group.revenue.p50), grouped(group.revenue.p90)]
            if simulated {
                cells.append(group.revenueStandardErrors.map { grouped(max($0.p10, $0.p50, $0.p90)) } ?? "exact")
            }
            return cells
        }
        return layout(header, lines)
    }

    static func backtestTable(_ section: PipelineSection) -> String {
        let header = ["", "leads", "exp. wins", "P10", "P90", "won", "open", "in band", "exp. revenue", "P10", "P90",
                      "won revenue", "in band"]
        let lines = rows(section).map { label, group -> [String] in
            guard let group, let actual = group.actual else { return [label] }
            return [label, String(group.leads), DecimalText.fixed(group.expectedWins, decimals: 1), whole(group.wins.p10),
                    whole(group.wins.p90), String(actual.won), String(actual.unresolved), actual.winsInBand ? "yes" : "no",
                    grouped(group.expectedRevenue), grouped(group.revenue.p10), grouped(group.revenue.p90),
                    grouped(actual.wonRevenue), actual.revenueInBand ? "yes" : "no"]
        }
        return layout(header, lines)
    }

    /// Columns padded to their widest cell: the first left-aligned, the others right-aligned; a
    /// row of one cell is a heading.
    static func layout(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows where row.count == header.count {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            guard cells.count == header.count else { return cells[0] }
            return cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    static func whole(_ value: Double) -> String { String(Int(value.rounded())) }

    /// `value` rounded to a whole number, with a comma every three digits: `12,345,678`.
    static func grouped(_ value: Double) -> String { DecimalText.grouped(value) }
}
