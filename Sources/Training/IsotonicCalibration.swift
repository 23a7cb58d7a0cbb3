/// Isotonic calibration: the increasing step-and-ramp function of the predicted probability
/// closest to the outcomes in weighted least squares.
///
/// The fit is scikit-learn's `IsotonicRegression(increasing=True, out_of_bounds="clip")`:
/// rows with weight 0 are dropped; the rest are sorted by probability, and probabilities less
/// than 1e-15 above the first of a run count as that one, with the weighted mean of their labels;
/// then the weighted pool-adjacent-violators algorithm merges neighbours until the means
/// increase, each merged block taking its weighted mean. The map keeps the points where the
/// fitted value changes (and the first and last point), and predicts by linear interpolation
/// between them, clipped to the first and last value outside the fitted range.
///
///     let isotonic = try IsotonicCalibration(fitting: probabilities, labels: outcomes)
///     let calibrated = isotonic.probability(0.23)
public struct IsotonicCalibration: Codable, Equatable, Sendable {
    /// The predicted probabilities at which the map is fixed, strictly increasing.
    public let thresholds: [Double]
    /// The calibrated probability at each threshold, non-decreasing.
    public let values: [Double]

    /// The map through given points.
    ///
    /// - Parameters:
    ///   - thresholds: Strictly increasing, at least one.
    ///   - values: Non-decreasing, one per threshold.
    public init(thresholds: [Double], values: [Double]) {
        precondition(!thresholds.isEmpty && thresholds.count == values.count, "One value per threshold, at least one.")
        precondition(zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 < $1 }, "Thresholds must increase strictly.")
        self.thresholds = thresholds
        self.values = values
    }

    /// Fits the map to `labels` against `probabilities`.
    ///
    /// - Parameters:
    ///   - probabilities: The model's predicted probabilities, in [0, 1].
    ///   - labels: Outcomes, 0 or 1, as many as `probabilities`.
    ///   - weights: Non-negative sample weights, or `nil` for all ones (the default).
    /// - Throws: `CalibrationError` for mismatched lengths, a probability outside [0, 1], a
    ///   label other than 0 or 1, a bad weight, or no row with a positive weight.
    /// - Complexity: O(n log n) for the sort; the pooling is O(n).
    public init(fitting probabilities: [Double], labels: [Double], weights: [Double]? = nil) throws(CalibrationError) {
        try CalibrationError.check(predictions: probabilities, labels: labels, weights: weights) { $0 >= 0 && $0 <= 1 }
        let weightOf = { (i: Int) in weights?[i] ?? 1 }
        let order = probabilities.indices.filter { weightOf($0) > 0 }.sorted {
            (probabilities[$0], labels[$0]) < (probabilities[$1], labels[$1])
        }
        // Distinct probabilities (within scikit-learn's 1e-15 resolution), each with its
        // weighted mean label: the blocks the pooling starts from.
        var x: [Double] = [], mean: [Double] = [], weight: [Double] = []
        var sum = 0.0, total = 0.0
        for i in order {
            let p = probabilities[i]
            if let first = x.last, p - first < 1e-15 {
                sum += weightOf(i) * labels[i]
                total += weightOf(i)
                continue
            }
            if !x.isEmpty {
                mean.append(sum / total)
                weight.append(total)
            }
            x.append(p)
            sum = weightOf(i) * labels[i]
            total = weightOf(i)
        }
        mean.append(sum / total)
        weight.append(total)

        // Pool adjacent violators: a stack of blocks with increasing means; a new block that is
        // not above the top merges with it, and the merged block again with the one below.
        var blockMean: [Double] = [], blockWeight: [Double] = [], blockEnd: [Int] = []
        for k in mean.indices {
            var m = mean[k], s = weight[k]
            while let top = blockMean.last, top >= m {
                let ws = blockWeight.last!
                m = (top * ws + m * s) / (ws + s)
                s += ws
                blockMean.removeLast()
                blockWeight.removeLast()
                blockEnd.removeLast()
            }
            blockMean.append(m)
            blockWeight.append(s)
            blockEnd.append(k)
        }
        var fitted = [Double](repeating: 0, count: x.count)
        var start = 0
        for (block, end) in blockEnd.enumerated() {
            for k in start...end { fitted[k] = blockMean[block] }
            start = end + 1
        }
        // Keep the first and last point and those whose value differs from a neighbour's: the
        // others lie inside a flat stretch and change no interpolated value.
        let kept = x.indices.filter { k in
            k == 0 || k == x.count - 1 || fitted[k] != fitted[k - 1] || fitted[k] != fitted[k + 1]
        }
        thresholds = kept.map { x[$0] }
        values = kept.map { fitted[$0] }
    }

    /// The calibrated probability of a predicted probability `p`: linear between the
    /// thresholds around it, the first or last value outside them.
    ///
    /// - Complexity: O(log k) for k thresholds.
    public func probability(_ p: Double) -> Double {
        let last = thresholds.count - 1
        if !(p > thresholds[0]) { return values[0] }
        if p >= thresholds[last] { return values[last] }
        // The last threshold at or below p.
        var low = 0, high = last
        while high - low > 1 {
            let middle = (low + high) / 2
            if thresholds[middle] <= p { low = middle } else { high = middle }
        }
        let slope = (values[low + 1] - values[low]) / (thresholds[low + 1] - thresholds[low])
        return slope * (p - thresholds[low]) + values[low]
    }
}
