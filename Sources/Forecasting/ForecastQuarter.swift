import Foundation
import Features

/// A calendar quarter (UTC), written `2025Q2`.
public struct ForecastQuarter: Equatable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    /// 1 … 4.
    public let quarter: Int

    public init(year: Int, quarter: Int) {
        precondition((1...4).contains(quarter), "Quarters are 1…4.")
        self.year = year
        self.quarter = quarter
    }

    /// Reads `2025Q2`, `2025-Q2` or `2025q2`.
    public init?(parsing text: String) {
        let parts = text.uppercased().replacingOccurrences(of: "-", with: "").split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), let quarter = Int(parts[1]),
              (1...4).contains(quarter) else { return nil }
        self.init(year: year, quarter: quarter)
    }

    /// The quarter holding `instant` (seconds).
    public init(containing instant: Double) {
        let text = Timestamp.string(from: instant)
        let year = Int(text.prefix(4))!, month = Int(text.dropFirst(5).prefix(2))!
        self.init(year: year, quarter: (month - 1) / 3 + 1)
    }

    /// The first instant of the quarter (seconds).
    public var start: Double {
        let month = 3 * (quarter - 1) + 1
        return Timestamp.seconds(from: "\(year)-\(month < 10 ? "0" : "")\(month)-01")!
    }

    /// The next quarter.
    public var next: ForecastQuarter { quarter == 4 ? ForecastQuarter(year: year + 1, quarter: 1) : ForecastQuarter(year: year, quarter: quarter + 1) }

    /// The previous quarter.
    public var previous: ForecastQuarter { quarter == 1 ? ForecastQuarter(year: year - 1, quarter: 4) : ForecastQuarter(year: year, quarter: quarter - 1) }

    public var description: String { "\(year)Q\(quarter)" }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.quarter) < (b.year, b.quarter) }
}
