import Foundation
import Training

/// How one column differs between closed leads (the training set) and open leads (the ones
/// to be scored): how often it is filled, and how differently its values are distributed.
///
/// A column filled in when a deal closes (a loss reason, a final amount, a stage set to
/// "closed") is filled for closed leads and empty for open ones; a model trained on it learns
/// the outcome from its own record and fails on the leads that matter.
public struct ColumnDrift: Codable, Equatable, Sendable {
    /// The column's name.
    public let column: String
    /// The fraction of closed leads with a value, in [0, 1].
    public let closedFillRate: Double
    /// The fraction of open leads with a value, in [0, 1].
    public let openFillRate: Double
    /// The Jensen–Shannon divergence (log base 2, in [0, 1]) between the column's distributions
    /// among closed and among open leads, with "missing" as one more value: 0 when they are the
    /// same, 1 when no value occurs in both.
    public let divergence: Double

    /// A drift with the given measurements.
    public init(column: String, closedFillRate: Double, openFillRate: Double, divergence: Double) {
        self.column = column
        self.closedFillRate = closedFillRate
        self.openFillRate = openFillRate
        self.divergence = divergence
    }

    /// `|closedFillRate − openFillRate|`.
    public var fillRateGap: Double { abs(closedFillRate - openFillRate) }
}

/// Measurements that expose outcome leakage before a model is trained: a column that looks
/// different for closed and open leads, or a feature that on its own separates won from lost.
///
/// Modelled on TransmogrifAI's `RawFeatureFilter`, which compares fill rates and Jensen–Shannon
/// divergences between the training and the scoring set; here the training set is the closed
/// leads and the scoring set the open ones.
public enum LeakageCheck {
    /// The drift of a numeric column between closed and open leads.
    ///
    /// Each side's distribution has 11 cells: 10 bins cut at the deciles of the present values
    /// of both sides together (`numpy.quantile(pooled, j/10, method="inverted_cdf")`, bins
    /// closed on the right; equal cuts leave empty bins, which count for nothing), plus a cell
    /// for missing values. Each side's cells are divided by its number of leads, so the fill
    /// rates weigh in the divergence as well.
    ///
    /// - Parameters:
    ///   - column: The column's name.
    ///   - closed: The column's value for each closed lead; NaN means missing. Not empty.
    ///   - open: The column's value for each open lead; NaN means missing. Not empty.
    /// - Returns: The fill rates and the divergence; divergence 0 when every value of both
    ///   sides is missing.
    /// - Precondition: Both sides have leads. With no open leads there is nothing to compare:
    ///   skip the check.
    /// - Complexity: O(n log n) for n values in all.
    public static func drift(column: String, closed: [Double], open: [Double]) -> ColumnDrift {
        precondition(!closed.isEmpty && !open.isEmpty, "Drift needs closed and open leads; skip the check without.")
        var pooled = closed.filter { !$0.isNaN } + open.filter { !$0.isNaN }
        pooled.sort()
        var cuts: [Double] = []
        if !pooled.isEmpty {
            for j in 1..<10 {
                // numpy's inverted_cdf: the index n p − 1 rounded up unless whole.
                let index = Double(pooled.count) * (Double(j) / 10) - 1
                let below = index.rounded(.down)
                cuts.append(pooled[min(max(Int(index == below ? below : below + 1), 0), pooled.count - 1)])
            }
        }
        func distribution(_ values: [Double]) -> [Double] {
            var cells = [Double](repeating: 0, count: 11)
            for value in values {
                if value.isNaN {
                    cells[10] += 1
                } else {
                    // The number of cuts strictly below the value.
                    var low = 0, high = cuts.count
                    while low < high {
                        let mid = (low + high) / 2
                        if cuts[mid] < value { low = mid + 1 } else { high = mid }
                    }
                    cells[low] += 1
                }
            }
            return cells.map { $0 / Double(values.count) }
        }
        let p = distribution(closed), q = distribution(open)
        return ColumnDrift(column: column, closedFillRate: 1 - p[10], openFillRate: 1 - q[10],
                           divergence: jensenShannonDivergence(p, q))
    }

    /// The drift of a categorical column between closed and open leads.
    ///
    /// Each side's distribution is the frequency of each level among its leads, missing
    /// (`nil`) being a level of its own.
    ///
    /// - Parameters:
    ///   - column: The column's name.
    ///   - closed: The column's value for each closed lead; `nil` means missing. Not empty.
    ///   - open: The column's value for each open lead; `nil` means missing. Not empty.
    /// - Returns: The fill rates and the divergence.
    /// - Precondition: Both sides have leads. With no open leads there is nothing to compare:
    ///   skip the check.
    /// - Complexity: O(n) expected for n values in all.
    public static func drift(column: String, closed: [String?], open: [String?]) -> ColumnDrift {
        precondition(!closed.isEmpty && !open.isEmpty, "Drift needs closed and open leads; skip the check without.")
        var counts: [String?: (closed: Double, open: Double)] = [:]
        for value in closed { counts[value, default: (0, 0)].closed += 1 }
        for value in open { counts[value, default: (0, 0)].open += 1 }
        let cells = Array(counts.values)
        let missing = counts[nil] ?? (0, 0)
        return ColumnDrift(
            column: column,
            closedFillRate: 1 - missing.closed / Double(closed.count),
            openFillRate: 1 - missing.open / Double(open.count),
            divergence: jensenShannonDivergence(cells.map(\.closed), cells.map(\.open)))
    }

    /// The Jensen–Shannon divergence of two distributions, in bits:
    /// `½ Σ pᵢ log₂(pᵢ/mᵢ) + ½ Σ qᵢ log₂(qᵢ/mᵢ)` with `m = (p + q)/2`, in [0, 1]; the square of
    /// scipy's `jensenshannon(p, q, base=2)`.
    ///
    /// For example p = (½, ½), q = (1, 0) gives ½·(½ log₂(2/3) + ½ log₂ 2) + ½ log₂(4/3) ≈ 0.311.
    ///
    /// - Parameters:
    ///   - p: Non-negative weights with a positive sum; divided by their sum, like scipy does.
    ///   - q: The same, as many as `p`.
    /// - Complexity: O(p.count).
    public static func jensenShannonDivergence(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "The distributions have \(p.count) and \(q.count) cells.")
        let pTotal = p.reduce(0, +), qTotal = q.reduce(0, +)
        precondition(pTotal > 0 && qTotal > 0, "A distribution has no weight.")
        var divergence = 0.0
        for (pi, qi) in zip(p, q) {
            let a = pi / pTotal, b = qi / qTotal
            let m = (a + b) / 2
            // A cell empty on one side contributes through the other side's term only.
            if a > 0 { divergence += a * log2(a / m) }
            if b > 0 { divergence += b * log2(b / m) }
        }
        return min(max(divergence / 2, 0), 1)
    }

    /// How well one feature alone separates won from lost leads: the area under the ROC curve
    /// of the raw values as scores, folded so that a feature that separates in reverse counts
    /// as much, `max(auc, 1 − auc)`, in [0.5, 1].
    ///
    /// Ties count one half, as in `ClassificationMetrics`. Missing values (NaN) rank below every
    /// number and tie with each other, so a feature whose missingness alone tells outcomes apart
    /// shows too.
    ///
    /// - Parameters:
    ///   - values: The feature's value for each closed lead; NaN means missing.
    ///   - labels: 1 for won, 0 for lost, one per value.
    /// - Returns: The folded AUC, or 0.5 when all leads are won or all lost.
    /// - Complexity: O(n log n).
    public static func singleFeatureAUC(values: [Double], labels: [Double]) -> Double {
        let scores = values.map { $0.isNaN ? -Double.infinity : $0 }
        guard let auc = ClassificationMetrics(probabilities: scores, labels: labels)?.auc else { return 0.5 }
        return max(auc, 1 - auc)
    }
}
