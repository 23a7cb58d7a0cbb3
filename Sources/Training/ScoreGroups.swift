/// Rows sorted by predicted probability and cut into (at most) ten groups of nearly equal size,
/// tied probabilities always in one group: the grouping behind `CalibrationTable` and
/// `LiftTable`.
///
/// With `n` rows and `G = min(10, n)` groups, group `k` (0-based, lowest probabilities first)
/// is meant to hold the sorted positions `⌊k·n/G⌋ ..< ⌊(k+1)·n/G⌋`. A block of rows with the
/// same probability goes, whole, to the group that holds its midrank (the mean of its sorted
/// positions, 0-based): a block across one boundary goes to the higher group only when more of
/// it lies above the boundary than below, so an even split stays in the lower group. The
/// grouping depends only on the multiset of probabilities, never on the input order; groups
/// that ties leave empty are dropped.
struct ScoreGroups {
    /// The statistics of one non-empty group.
    struct Group {
        /// 0-based, in `0..<groupCount`, lowest probabilities first.
        var index: Int
        var rows = 0
        var wins = 0
        var probabilitySum = 0.0
        var lowest = Double.infinity
        var highest = -Double.infinity
    }

    /// The number of groups the rows were cut into, `min(10, n)`, empty ones included.
    let groupCount: Int
    /// The non-empty groups, lowest probabilities first.
    let groups: [Group]
    /// The number of rows.
    let rows: Int
    /// The number of rows labelled 1.
    let wins: Int

    /// Groups the rows; `nil` when there are none.
    init?(probabilities: [Double], labels: [Double]) {
        precondition(probabilities.count == labels.count, "Need one label per probability.")
        precondition(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 }, "Probabilities must lie in [0, 1].")
        precondition(labels.allSatisfy { $0 == 0 || $0 == 1 }, "Labels must be 0 or 1.")
        let n = probabilities.count
        guard n > 0 else { return nil }
        let groupCount = min(10, n)
        let order = (0..<n).sorted { probabilities[$0] < probabilities[$1] }
        var groups: [Group] = []
        var k = 0
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && probabilities[order[end]] == probabilities[order[start]] { end += 1 }
            // Twice the midrank, (start + end − 1), against twice the boundaries, in integers.
            while k + 1 < groupCount && 2 * ((k + 1) * n / groupCount) <= start + end - 1 { k += 1 }
            if groups.last?.index != k { groups.append(Group(index: k)) }
            for position in start..<end {
                let i = order[position]
                groups[groups.count - 1].rows += 1
                groups[groups.count - 1].wins += labels[i] == 1 ? 1 : 0
                groups[groups.count - 1].probabilitySum += probabilities[i]
            }
            groups[groups.count - 1].lowest = min(groups[groups.count - 1].lowest, probabilities[order[start]])
            groups[groups.count - 1].highest = probabilities[order[start]]
            start = end
        }
        self.groupCount = groupCount
        self.groups = groups
        self.rows = n
        self.wins = groups.reduce(0) { $0 + $1.wins }
    }
}
