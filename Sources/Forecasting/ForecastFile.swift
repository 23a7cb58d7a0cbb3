import Features
import Foundation
import Scoring

/// Writes a `PipelineForecast` as CSV (one row per group of each section) or JSON (the value
/// itself, keys sorted), atomically: a failed write leaves no partial file.
///
/// CSV columns: `section` (`forecast`, `backtest`), `as_of` (the instant the pipeline stood at),
/// `breakdown` (`total` or the grouping), `group`, `leads`, `leads_without_amount`,
/// `expected_wins`, `wins_p10`, `wins_p50`, `wins_p90`, `expected_revenue`, `revenue_p10`,
/// `revenue_p50`, `revenue_p90`, `revenue_method` (`exact`, `simulation`), `revenue_p10_se`,
/// `revenue_p50_se`, `revenue_p90_se` (simulation only), then for backtest rows `won`, `lost`,
/// `unresolved`, `won_revenue`, `wins_in_band`, `revenue_in_band` (empty on forecast rows).
public enum ForecastFile {
    /// The file formats.
    public enum Format: String, CaseIterable, Sendable {
        case csv, json

        /// The format a file name's extension implies, if any.
        public init?(pathExtension: String) {
            self.init(rawValue: pathExtension.lowercased())
        }
    }

    /// Writes `forecast` to `url` in `format`.
    ///
    /// - Throws: `AtomicFileError` when the file cannot be written.
    public static func write(_ forecast: PipelineForecast, format: Format, to url: URL) throws {
        try AtomicFile.write(data(forecast, format: format), to: url)
    }

    /// The bytes `write` writes.
    public static func data(_ forecast: PipelineForecast, format: Format) throws -> Data {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(forecast) + Data([0x0A])
        case .csv:
            return Data(csv(forecast).utf8)
        }
    }

    static let header = ["section", "as_of", "breakdown", "group", "leads", "leads_without_amount", "expected_wins",
                         "wins_p10", "wins_p50", "wins_p90", "expected_revenue", "revenue_p10", "revenue_p50", "revenue_p90",
                         "revenue_method", "revenue_p10_se", "revenue_p50_se", "revenue_p90_se", "won", "lost", "unresolved",
                         "won_revenue", "wins_in_band", "revenue_in_band"]

    static func csv(_ forecast: PipelineForecast) -> String {
        var lines = [header.joined(separator: ",")]
        func rows(_ name: String, _ section: PipelineSection) {
            let all = [("total", section.total)] + section.breakdowns.flatMap { b in b.groups.map { (b.field, $0) } }
            for (breakdown, group) in all {
                let money = { (value: Double) in DecimalText.fixed(value, decimals: 2) }
                let count = { (value: Double) in String(Int(value)) }
                var fields = [name, section.asOf, breakdown, group.group, String(group.leads), String(group.leadsWithoutAmount),
                              DecimalText.fixed(group.expectedWins, decimals: 6),
                              count(group.wins.p10), count(group.wins.p50), count(group.wins.p90),
                              money(group.expectedRevenue), money(group.revenue.p10), money(group.revenue.p50),
                              money(group.revenue.p90), group.revenueMethod.rawValue]
                if let errors = group.revenueStandardErrors {
                    fields += [money(errors.p10), money(errors.p50), money(errors.p90)]
                } else {
                    fields += ["", "", ""]
                }
                if let actual = group.actual {
                    fields += [String(actual.won), String(actual.lost), String(actual.unresolved), money(actual.wonRevenue),
                               String(actual.winsInBand), String(actual.revenueInBand)]
                } else {
                    fields += ["", "", "", "", "", ""]
                }
                lines.append(fields.map(csvField).joined(separator: ","))
            }
        }
        rows("forecast", forecast.pipeline)
        if let backtest = forecast.backtest { rows("backtest", backtest.pipeline) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted as RFC 4180 wants when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
