/// The receiver operating characteristic: for each threshold on the predicted probability, the
/// share of losses (false positive rate) and of wins (true positive rate) scored at or above it.
///
/// The full curve has one point per distinct probability, from (0, 0) (nothing counted as a
/// win) to (1, 1) (everything), as `sklearn.metrics.roc_curve(y, p, drop_intermediate=False)`
/// computes it. Tied probabilities form one point, so the segment to it is the diagonal step
/// that counts a tie one half: the trapezoidal area under the full curve is exactly the AUC of
/// `ClassificationMetrics`. Points collinear with their neighbours are dropped (the area does
/// not change), and when more than `maximumPoints` remain, the curve is thinned along its
/// length (see `init(probabilities:labels:maximumPoints:)`); every stored point is still a
/// point of the exact curve, with its threshold.
///
///     let roc = ROCCurve(probabilities: p, labels: y)!
///     for point in roc.points { print(point.falsePositiveRate, point.truePositiveRate) }
///     print(roc.area)          // the AUC, when `isThinned` is false
public struct ROCCurve: Codable, Equatable, Sendable {
    /// One point of the curve.
    public struct Point: Codable, Equatable, Sendable {
        /// The share of losses with a probability at or above `threshold`.
        public let falsePositiveRate: Double
        /// The share of wins with a probability at or above `threshold`.
        public let truePositiveRate: Double
        /// The lowest probability counted as a predicted win; `nil` at (0, 0), where nothing is
        /// (scikit-learn writes +∞ there, which JSON cannot hold).
        public let threshold: Double?

        public init(falsePositiveRate: Double, truePositiveRate: Double, threshold: Double?) {
            self.falsePositiveRate = falsePositiveRate
            self.truePositiveRate = truePositiveRate
            self.threshold = threshold
        }
    }

    /// The default largest number of points kept.
    public static let defaultMaximumPoints = 200

    /// The points, from (0, 0) to (1, 1), thresholds decreasing.
    public let points: [Point]
    /// Whether points other than collinear ones were dropped to stay within the maximum: the
    /// area under `points` then approximates the AUC (see `area`) instead of equalling it.
    public let isThinned: Bool

    /// Computes the curve.
    ///
    /// Thinning, when the curve without its collinear points has more than `maximumPoints`:
    /// walking from (0, 0), a point is kept when the next point lies more than
    /// `s = 4 / (maximumPoints − 3)` from the last kept one in `fpr + tpr` (the curve's length
    /// in that measure is 2); so each chord replaces a stretch of length at most `s`, or a
    /// single exact segment, and at most `maximumPoints` points remain. The area under a chord
    /// differs from the stretch's by at most a quarter of its length times `s`, so the area
    /// under a thinned curve is within `s/4` of the AUC (0.0051 for 200 points), usually far
    /// closer.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities (any scores; only their order matters).
    ///   - labels: Outcomes, 0 or 1, as many as probabilities.
    ///   - maximumPoints: The most points kept, at least 4; default 200.
    /// - Returns: `nil` when there are no wins or no losses (the rates are then undefined).
    /// - Complexity: O(n log n) for the sort.
    public init?(probabilities: [Double], labels: [Double], maximumPoints: Int = defaultMaximumPoints) {
        precondition(probabilities.count == labels.count, "Need one label per probability.")
        precondition(maximumPoints >= 4, "Keep at least 4 points.")
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        let positives = labels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }

        // The counts at each distinct threshold, highest first: (false, true positives).
        var counts: [(fp: Int, tp: Int, threshold: Double?)] = [(0, 0, nil)]
        var fp = 0, tp = 0
        var start = 0
        while start < order.count {
            let threshold = probabilities[order[start]]
            var end = start
            while end < order.count && probabilities[order[end]] == threshold {
                if labels[order[end]] == 1 { tp += 1 } else { fp += 1 }
                end += 1
            }
            // Drop the previous point when it lies on the line from its predecessor to this one
            // (exact in integers), which leaves the trapezoidal area unchanged.
            if counts.count >= 2 {
                let a = counts[counts.count - 2], b = counts[counts.count - 1]
                if (b.fp - a.fp) * (tp - b.tp) == (b.tp - a.tp) * (fp - b.fp) { counts.removeLast() }
            }
            counts.append((fp, tp, threshold))
            start = end
        }

        var kept = counts.indices.map { $0 }
        var thinned = false
        if counts.count > maximumPoints {
            thinned = true
            let step = 4 / Double(maximumPoints - 3)
            let length = { (i: Int, j: Int) -> Double in
                Double(counts[j].fp - counts[i].fp) / Double(negatives) + Double(counts[j].tp - counts[i].tp) / Double(positives)
            }
            kept = [0]
            for i in 1..<(counts.count - 1) where length(kept[kept.count - 1], i + 1) > step {
                kept.append(i)
            }
            kept.append(counts.count - 1)
        }
        points = kept.map { i in
            Point(falsePositiveRate: Double(counts[i].fp) / Double(negatives),
                  truePositiveRate: Double(counts[i].tp) / Double(positives), threshold: counts[i].threshold)
        }
        isThinned = thinned
    }

    /// The trapezoidal area under the stored points: the AUC (to rounding) when the curve is
    /// not thinned, within `4 / (maximumPoints − 3) / 4` of it when it is.
    public var area: Double {
        var sum = 0.0
        for k in points.indices.dropFirst() {
            let a = points[k - 1], b = points[k]
            sum += (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
        }
        return sum
    }
}
