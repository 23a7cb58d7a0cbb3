/// How well predicted probabilities match observed win rates, by deciles of the prediction.
///
/// The rows are sorted by predicted probability and cut into `min(10, n)` groups of nearly
/// equal size: group `k` (1-based) is meant to hold the sorted positions
/// `⌊(k−1)·n/G⌋ ..< ⌊k·n/G⌋` (0-based), so sizes differ by at most one and, when `n` is not a
/// multiple of 10, the larger groups are spread evenly. Rows with the same probability always
/// share a group: a tied block goes, whole, to the group holding its midrank (the mean of its
/// 0-based sorted positions): across one boundary it goes up only when more of it lies above
/// than below, so an even split stays in the lower group. So the table depends
/// only on the predictions and labels, never on the order of the rows, and a group that ties
/// leave empty is left out (its number is skipped). With fewer than 10 rows each row is its
/// own group, ties merged as above.
///
///     let table = CalibrationTable(probabilities: p, labels: y)!
///     for g in table.groups { print(g.group, g.meanPredicted, g.observedRate) }
///     print(table.expectedCalibrationError)
public struct CalibrationTable: Codable, Equatable, Sendable {
    /// One group of rows with similar predicted probabilities.
    public struct Group: Codable, Equatable, Sendable {
        /// The group's number, 1 for the lowest predictions up to `groupCount`.
        public let group: Int
        /// The number of rows in the group.
        public let rows: Int
        /// The number of rows labelled 1.
        public let wins: Int
        /// The mean predicted probability of the group's rows.
        public let meanPredicted: Double
        /// The observed win rate, `wins / rows`.
        public let observedRate: Double
        /// The smallest predicted probability in the group.
        public let lowestPredicted: Double
        /// The largest predicted probability in the group.
        public let highestPredicted: Double
    }

    /// The non-empty groups, lowest predictions first.
    public let groups: [Group]
    /// The number of groups the rows were cut into, `min(10, count)`, including any that ties
    /// left empty.
    public let groupCount: Int
    /// The number of rows.
    public let count: Int
    /// The number of rows labelled 1.
    public let wins: Int
    /// The expected calibration error `Σₖ (nₖ/n)·|observedₖ − predictedₖ|` over the groups:
    /// 0 when every group's mean prediction equals its win rate.
    public let expectedCalibrationError: Double

    /// Builds the table.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities in [0, 1].
    ///   - labels: Outcomes, 0 or 1, as many as probabilities.
    /// - Returns: `nil` when there are no rows. A single class is fine: every observed rate is
    ///   then 0 (or 1).
    /// - Complexity: O(n log n) for the sort.
    public init?(probabilities: [Double], labels: [Double]) {
        guard let grouping = ScoreGroups(probabilities: probabilities, labels: labels) else { return nil }
        let n = Double(grouping.rows)
        var ece = 0.0
        groups = grouping.groups.map { g in
            let rows = Double(g.rows)
            let predicted = g.probabilitySum / rows
            let observed = Double(g.wins) / rows
            ece += rows / n * abs(observed - predicted)
            return Group(group: g.index + 1, rows: g.rows, wins: g.wins, meanPredicted: predicted,
                         observedRate: observed, lowestPredicted: g.lowest, highestPredicted: g.highest)
        }
        groupCount = grouping.groupCount
        count = grouping.rows
        wins = grouping.wins
        expectedCalibrationError = ece
    }
}
