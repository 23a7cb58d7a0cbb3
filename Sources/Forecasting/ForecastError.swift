/// Why a forecast could not be made.
public enum ForecastError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A `--by` value that names nothing usable.
    case badGrouping(String, reason: String)
    /// A value of a `month:` column that is not a timestamp.
    case notATimestamp(column: String, value: String, lead: String)
    /// The backtest quarter does not start before the forecast's instant.
    case backtestNotBeforeAsOf(quarter: String, asOf: String)

    public var description: String {
        switch self {
        case .badGrouping(let text, let reason):
            return "Cannot group by `\(text)`: \(reason). Use source, owner, a leads column, companies.COLUMN, month or month:COLUMN."
        case .notATimestamp(let column, let value, let lead):
            return "Column `\(column)` of lead \(lead) is not an ISO 8601 timestamp: `\(value)`. Fix the value, or group by another column."
        case .backtestNotBeforeAsOf(let quarter, let asOf):
            return "The backtest quarter \(quarter) does not start before \(asOf), so nothing about its pipeline is known yet. "
                + "Choose an earlier quarter, or --no-backtest."
        }
    }
}
