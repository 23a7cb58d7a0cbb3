import Foundation
import Features

extension SourceAnalysis {
    /// The analysis as terminal tables: sources, reps, rep × source cells and, with a model,
    /// observed against predicted wins on `samples` (held-out leads by default). Numbers are
    /// right-aligned, rates are percentages with their intervals, money has thousands grouping.
    public func text(predictionSamples samples: [ModelSample] = [.heldOut]) -> String {
        var blocks: [String] = []
        let level = percent(settings.confidence, digits: 0)

        var header = "Lead sources: \(grouped(overall.sqls)) closed SQLs, \(grouped(overall.wins)) won "
            + "(\(percent(overall.winRate))). Win rates with \(level) Wilson intervals; revenue is what won deals booked."
        header += "\n" + costNote(overall)
        if overall.winsWithoutRevenue > 0 {
            header += "\n\(overall.winsWithoutRevenue) won deals have no amount and add nothing to revenue."
        }
        blocks.append(wrapped(header) + "\n\n" + groupTable(sources + [overall], title: "source", level: level, costs: true))

        if !reps.isEmpty {
            blocks.append("Reps\n\n" + groupTable(reps, title: "rep", level: level, costs: false))
            blocks.append(cellsText(level: level))
        }
        if let split {
            for sample in samples {
                blocks.append(predictionText(sample, split: split))
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private func costNote(_ group: GroupSummary) -> String {
        if group.leadsWithCost == 0 { return "No closed lead has a cost: the cost columns are empty." }
        if group.leadsWithoutCost == 0 { return "Every closed lead has a cost." }
        return "\(grouped(group.leadsWithoutCost)) closed leads have no cost: they are left out of the cost figures "
            + "(not counted as free), so each ratio covers the \(grouped(group.leadsWithCost)) leads with a cost."
    }

    private func groupTable(_ groups: [GroupSummary], title: String, level: String, costs: Bool) -> String {
        var columns = [title, "SQLs", "won", "win rate", "\(level) interval", "revenue"]
        if costs { columns += ["cost/lead", "cost/won deal", "revenue/cost"] }
        var table = TextTable(columns: columns, leftAligned: [0])
        for group in groups {
            var row = [group.name, grouped(group.sqls), grouped(group.wins), percent(group.winRate),
                       interval(group.interval), money(group.revenue, decimals: 0)]
            if costs {
                row += [group.costPerLead.map { money($0, decimals: 2) } ?? "–",
                        group.costPerWonDeal.map { money($0, decimals: 2) } ?? "–",
                        group.revenuePerCost.map { money($0, decimals: 1) } ?? "–"]
            }
            table.append(row)
        }
        return table.text
    }

    private func cellsText(level: String) -> String {
        let tested = repSources.filter { $0.pValue != nil }.count
        let flagged = repSources.filter { $0.flag != nil }.count
        var lines = ["Rep × source: each cell's win rate against the same rep's other sources (Fisher's exact test, "
            + "two-sided), p-values adjusted by \(settings.correction.name) over the \(tested) cells tested; flagged "
            + "when the adjusted p-value is at most \(settings.level) (the \(settings.correction.errorRate)). "
            + "\(flagged) flagged."]
        lines.append("Cells with fewer than \(settings.minimumCellSize) closed leads are not shown or tested"
            + (smallCells > 0 ? " (\(smallCells) cells, \(grouped(smallCellLeads)) leads, which still count among their rep's other sources)." : " (none)."))
        var table = TextTable(columns: ["rep", "source", "SQLs", "won", "win rate", "\(level) interval", "other sources",
                                        "p-value", "adjusted", "flag"], leftAligned: [0, 1, 9])
        for cell in repSources {
            table.append([cell.rep, cell.source, grouped(cell.sqls), grouped(cell.wins), percent(cell.winRate),
                          interval(cell.interval),
                          cell.otherWinRate.map { "\(percent($0)) of \(grouped(cell.otherSQLs))" } ?? "none",
                          cell.pValue.map(pValue) ?? "–", cell.adjustedPValue.map(pValue) ?? "–",
                          cell.flag.map { $0 == .higher ? "higher" : "lower" } ?? ""])
        }
        return wrapped(lines.joined(separator: "\n")) + "\n\n" + table.text
    }

    private func predictionText(_ sample: ModelSample, split: ModelSplit) -> String {
        let count = sample == .heldOut ? split.heldOutLeads : split.trainingLeads
        let what: String
        switch (sample, split.rule) {
        case (.heldOut, .trainingFile):
            what = "the \(grouped(count)) held-out leads (the most recently closed, which the model validated on and was not fitted on)"
        case (.heldOut, .closeDate):
            what = "the \(grouped(count)) leads closed after \(split.trainedThrough ?? "the training data"), the last close the model was fitted on"
        case (.training, .trainingFile):
            what = "the \(grouped(count)) leads the model was fitted on. A group that is one of the model's features "
                + "matches its prediction closely by construction: read this as a check of the fit, not of the source"
        case (.training, .closeDate):
            what = "the \(grouped(count)) leads closed by \(split.trainedThrough ?? "the end of the training data"), "
                + "which the model may have been fitted on: groups that are model features match by construction"
        }
        let intro = "Observed against predicted wins on \(what)."
        guard count > 0 else { return wrapped(intro + " There are none in this export.") }
        var lines = [wrapped(intro + " Predicted = the sum of the model's probabilities as of each lead's cut-off; z = difference / √Σp(1−p); "
            + "p-value: exact Poisson-binomial, two-sided, adjusted by \(settings.correction.name) within each table; "
            + "flagged at \(settings.level).")]
        for (title, groups) in [("source", sources), ("rep", reps)] where !groups.isEmpty {
            var table = TextTable(columns: [title, "leads", "won", "predicted", "difference", "z", "p-value", "adjusted", "flag"],
                                  leftAligned: [0, 8])
            for group in groups {
                guard let check = group.prediction(sample) else { continue }
                let test = check.test
                table.append([group.name, grouped(test.leads), grouped(test.observedWins), fixed(test.predictedWins, 1),
                              signed(test.difference), test.zScore.map { signed($0, digits: 2) } ?? "–",
                              pValue(test.pValue), pValue(check.adjustedPValue),
                              check.flag.map { $0 == .higher ? "beats predictions" : "falls short" } ?? ""])
            }
            lines.append("")
            lines.append(table.text)
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Number formats

/// `1234567` as `1,234,567`.
func grouped(_ value: Int) -> String { DecimalText.grouped(Double(value)) }

/// Money with thousands grouping and `decimals` decimals: `1,234.50`.
func money(_ value: Double, decimals: Int) -> String { DecimalText.grouped(value, decimals: decimals) }

func percent(_ rate: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f%%", 100 * rate) }

func interval(_ interval: ProportionInterval) -> String { "\(percent(interval.lower)) – \(percent(interval.upper))" }

func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// With its sign; a value that rounds to zero reads `0.0`, not `-0.0`.
func signed(_ value: Double, digits: Int = 1) -> String {
    let text = String(format: "%+.\(digits)f", value)
    return text.dropFirst().allSatisfy { $0 == "0" || $0 == "." } ? String(text.dropFirst()) : text
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stays whole).
func wrapped(_ text: String, width: Int = 100) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { paragraph in
        var lines: [String] = [], line = ""
        for word in paragraph.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
    .joined(separator: "\n")
}

/// A p-value in 4 decimals, or in scientific notation below 0.001.
func pValue(_ p: Double) -> String { p >= 0.001 ? String(format: "%.4f", p) : String(format: "%.1e", p) }

/// Columns of text, each as wide as its widest cell, numbers right-aligned.
struct TextTable {
    let columns: [String]
    let leftAligned: Set<Int>
    var rows: [[String]] = []

    init(columns: [String], leftAligned: Set<Int>) {
        self.columns = columns
        self.leftAligned = leftAligned
    }

    mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "One cell per column.")
        rows.append(row)
    }

    var text: String {
        let all = [columns] + rows
        let widths = columns.indices.map { column in all.map { $0[column].count }.max()! }
        return all.map { row in
            row.indices.map { column in
                let cell = row[column], padding = String(repeating: " ", count: widths[column] - cell.count)
                return leftAligned.contains(column) ? cell + padding : padding + cell
            }
            .joined(separator: "  ")
            .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        .joined(separator: "\n")
    }
}
