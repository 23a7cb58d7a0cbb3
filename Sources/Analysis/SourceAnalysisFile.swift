import Foundation
import Scoring

/// Writes a `SourceAnalysis` to a file, atomically: CSV (one row per group) or JSON (the
/// report as it is encoded).
public enum SourceAnalysisFile {
    /// The file formats.
    public enum Format: String, CaseIterable, Sendable {
        /// One row per group: `table` is `all`, `source`, `rep` or `rep_source`.
        case csv
        /// The whole report, keys sorted.
        case json
    }

    /// The CSV header. Empty cells: not applicable to the row's table, or not defined (no
    /// costs, no other sources, no leads in a sample).
    public static let csvColumns: [String] = {
        var columns = ["table", "source", "rep", "sqls", "wins", "win_rate", "win_rate_low", "win_rate_high", "revenue",
                       "wins_without_revenue", "leads_with_cost", "leads_without_cost", "cost", "cost_per_lead",
                       "cost_per_won_deal", "revenue_per_cost", "other_sqls", "other_wins", "other_win_rate", "p_value",
                       "adjusted_p_value", "flag"]
        for sample in ["held_out", "training"] {
            columns += ["leads", "observed_wins", "predicted_wins", "difference", "z", "p_value", "adjusted_p_value", "flag"]
                .map { "\(sample)_\($0)" }
        }
        return columns
    }()

    /// Writes `analysis` to `url` in `format`.
    ///
    /// - Throws: `AtomicFileError` when the file cannot be written; an existing file is then
    ///   left as it was.
    public static func write(_ analysis: SourceAnalysis, format: Format, to url: URL) throws {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try AtomicFile.write(encoder.encode(analysis) + Data([0x0A]), to: url)
        case .csv:
            try AtomicFile.write(Data(csv(analysis).utf8), to: url)
        }
    }

    /// The CSV text of `analysis`.
    public static func csv(_ analysis: SourceAnalysis) -> String {
        var lines = [csvColumns.joined(separator: ",")]
        func groupRow(_ table: String, source: String?, rep: String?, _ group: GroupSummary) -> [String] {
            var row = [table, source ?? "", rep ?? "", "\(group.sqls)", "\(group.wins)", number(group.winRate),
                       number(group.interval.lower), number(group.interval.upper), number(group.revenue),
                       "\(group.winsWithoutRevenue)", "\(group.leadsWithCost)", "\(group.leadsWithoutCost)",
                       number(group.cost), number(group.costPerLead), number(group.costPerWonDeal),
                       number(group.revenuePerCost), "", "", "", "", "", ""]
            for sample in ModelSample.allCases { row += predictionCells(group.prediction(sample)) }
            return row
        }
        lines.append(line(groupRow("all", source: nil, rep: nil, analysis.overall)))
        for source in analysis.sources { lines.append(line(groupRow("source", source: source.name, rep: nil, source))) }
        for rep in analysis.reps { lines.append(line(groupRow("rep", source: nil, rep: rep.name, rep))) }
        for cell in analysis.repSources {
            var row = ["rep_source", cell.source, cell.rep, "\(cell.sqls)", "\(cell.wins)", number(cell.winRate),
                       number(cell.interval.lower), number(cell.interval.upper)]
            row += Array(repeating: "", count: 8)
            row += ["\(cell.otherSQLs)", "\(cell.otherWins)", number(cell.otherWinRate), number(cell.pValue),
                    number(cell.adjustedPValue), cell.flag?.rawValue ?? ""]
            row += Array(repeating: "", count: 16)
            lines.append(line(row))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func predictionCells(_ check: PredictionCheck?) -> [String] {
        guard let check else { return Array(repeating: "", count: 8) }
        let test = check.test
        return ["\(test.leads)", "\(test.observedWins)", number(test.predictedWins), number(test.difference),
                number(test.zScore), number(test.pValue), number(check.adjustedPValue), check.flag?.rawValue ?? ""]
    }

    /// A number as Swift prints a double (shortest text that reads back exactly); empty for `nil`.
    private static func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }

    /// Fields joined by commas, each quoted when it holds a comma, quote or line break.
    private static func line(_ fields: [String]) -> String {
        precondition(fields.count == csvColumns.count, "One field per column.")
        return fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        .joined(separator: ",")
    }
}
