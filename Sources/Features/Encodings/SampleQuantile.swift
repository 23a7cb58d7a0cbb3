/// Sample quantiles of sorted data, computed as `numpy.quantile` computes them, so that fitted
/// cuts and knots can be checked against numpy value for value.
enum SampleQuantile {
    /// numpy's default (`method="linear"`, Hyndman and Fan type 7, R's default): the order
    /// statistic at the virtual index `(n − 1) p`, interpolated linearly.
    ///
    /// - Precondition: `sorted` is non-empty and ascending; `p` in [0, 1].
    static func linear(_ sorted: [Double], _ p: Double) -> Double {
        let index = Double(sorted.count - 1) * p
        let below = index.rounded(.down)
        let lower = min(Int(below), sorted.count - 1)
        let upper = min(lower + 1, sorted.count - 1)
        let t = index - below
        let a = sorted[lower], b = sorted[upper]
        // numpy interpolates from the nearer end, which keeps p = 1 exactly at the maximum.
        return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t)
    }

    /// numpy's `method="inverted_cdf"` (type 1): the smallest order statistic whose empirical
    /// distribution function reaches `p`; always one of the data.
    ///
    /// The index is numpy's floating-point `n p − 1`, rounded up unless it is whole, so that
    /// results agree with numpy even where `n p` is not exact in binary.
    ///
    /// - Precondition: `sorted` is non-empty and ascending; `p` in [0, 1].
    static func invertedCDF(_ sorted: [Double], _ p: Double) -> Double {
        let index = Double(sorted.count) * p - 1
        let below = index.rounded(.down)
        let position = index == below ? below : below + 1
        return sorted[min(max(Int(position), 0), sorted.count - 1)]
    }
}
