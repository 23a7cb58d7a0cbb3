/// How much better than random the highest-scored rows win, decile by decile from the top.
///
/// The deciles are the groups of `CalibrationTable` (same sort, same sizes, same rule for ties
/// and for fewer than 10 rows), numbered from the top: decile 1 holds the highest predictions.
/// A decile that ties leave empty is left out and its number skipped.
///
/// With `r` the overall win rate, a decile's lift is its win rate divided by `r` (1 is what a
/// random ordering gives); the gain is the share of all wins captured by this decile and those
/// above it, and the cumulative lift is the win rate of those rows divided by `r`.
///
///     let lift = LiftTable(probabilities: p, labels: y)!
///     print(lift.deciles[0].lift)          // the top decile's lift
///     print(lift.deciles[2].gain)          // the share of wins in the top three deciles
public struct LiftTable: Codable, Equatable, Sendable {
    /// One decile, counted from the top.
    public struct Decile: Codable, Equatable, Sendable {
        /// The decile's number: 1 for the highest predictions, up to `groupCount`.
        public let decile: Int
        /// The number of rows in the decile.
        public let rows: Int
        /// The number of rows labelled 1.
        public let wins: Int
        /// `wins / rows`.
        public let winRate: Double
        /// `winRate / overallRate`.
        public let lift: Double
        /// The rows in this decile and all above it.
        public let cumulativeRows: Int
        /// The wins in this decile and all above it.
        public let cumulativeWins: Int
        /// The share of all wins captured so far: `cumulativeWins / wins` of the table.
        public let gain: Double
        /// `(cumulativeWins / cumulativeRows) / overallRate`.
        public let cumulativeLift: Double
        /// The smallest predicted probability in the decile.
        public let lowestPredicted: Double
        /// The largest predicted probability in the decile.
        public let highestPredicted: Double
    }

    /// The non-empty deciles, highest predictions first.
    public let deciles: [Decile]
    /// The number of groups the rows were cut into, `min(10, count)`, including any that ties
    /// left empty.
    public let groupCount: Int
    /// The number of rows.
    public let count: Int
    /// The number of rows labelled 1.
    public let wins: Int
    /// The overall win rate `wins / count`.
    public let overallRate: Double

    /// Builds the table.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities in [0, 1].
    ///   - labels: Outcomes, 0 or 1, as many as probabilities.
    /// - Returns: `nil` when there are no rows or no wins: lift divides by the overall win
    ///   rate, which is then 0. With wins only, every lift is 1.
    /// - Complexity: O(n log n) for the sort.
    public init?(probabilities: [Double], labels: [Double]) {
        guard let grouping = ScoreGroups(probabilities: probabilities, labels: labels), grouping.wins > 0 else {
            return nil
        }
        let rate = Double(grouping.wins) / Double(grouping.rows)
        var cumulativeRows = 0, cumulativeWins = 0
        deciles = grouping.groups.reversed().map { g in
            cumulativeRows += g.rows
            cumulativeWins += g.wins
            let winRate = Double(g.wins) / Double(g.rows)
            return Decile(
                decile: grouping.groupCount - g.index, rows: g.rows, wins: g.wins, winRate: winRate,
                lift: winRate / rate, cumulativeRows: cumulativeRows, cumulativeWins: cumulativeWins,
                gain: Double(cumulativeWins) / Double(grouping.wins),
                cumulativeLift: Double(cumulativeWins) / Double(cumulativeRows) / rate,
                lowestPredicted: g.lowest, highestPredicted: g.highest)
        }
        groupCount = grouping.groupCount
        count = grouping.rows
        wins = grouping.wins
        overallRate = rate
    }
}
