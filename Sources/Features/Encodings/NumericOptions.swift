import Foundation

/// A transform applied to a numeric feature before clipping and the basis.
public enum NumericTransform: String, Codable, Sendable {
    /// The value as it is.
    case none
    /// `log(1 + x)`, for counts and amounts with a long right tail; defined for x > -1.
    case log1p
}

/// How a numeric feature becomes output columns, after transform and clipping.
public enum NumericBasis: Codable, Equatable, Sendable {
    /// One column: the value itself.
    case linear
    /// `K` bins cut at training quantiles, one 0/1 column per bin but the lowest (the reference).
    ///
    /// The cuts are `numpy.quantile(values, j / K, method="inverted_cdf")` for j = 1…K−1, so
    /// each is a training value; bins are closed on the right, `(cutⱼ₋₁, cutⱼ]`. Equal cuts are
    /// merged, and a cut at the largest training value is dropped (its bin above would be
    /// empty), so a feature with heavy ties gets fewer than `K − 1` columns.
    case quantileBins(Int)
    /// A restricted (natural) cubic spline with `knots` knots at training quantiles: `knots − 1`
    /// columns, the value itself and `knots − 2` cubic terms, linear below the first and above
    /// the last knot.
    ///
    /// Knots sit at Harrell's default quantiles (`rcspline.eval` in R's Hmisc), evenly spaced
    /// from `a` to `1 − a` with a = 0.1 for 3 knots, 0.05 for 4–6 and 0.025 for 7 or more
    /// (for 5 knots: 0.05, 0.275, 0.5, 0.725, 0.95), computed as `numpy.quantile`'s default
    /// linear interpolation. Equal knots are merged.
    case naturalSpline(knots: Int)
}

/// What a missing numeric value becomes.
public enum MissingPolicy: String, Codable, Sendable {
    /// The training median, plus a 0/1 column `NAME:missing` when training had missing values.
    case indicator
    /// The value 0 (then transformed, clipped and expanded like any value), with no indicator:
    /// for counts, where no record means none.
    case zero
}

/// The options of a numeric feature, as the spec's `transform`, `clip`, `basis` and `missing`
/// keys set them.
public struct NumericOptions: Codable, Equatable, Sendable {
    /// Applied first. Default `.none`.
    public var transform: NumericTransform
    /// Values below it (after the transform) are raised to it; `nil` for no lower clip.
    public var clipLower: Double?
    /// Values above it (after the transform) are lowered to it; `nil` for no upper clip.
    public var clipUpper: Double?
    /// The output columns. Default `.linear`.
    public var basis: NumericBasis
    /// What missing values become. Default `.indicator`.
    public var missing: MissingPolicy

    /// Options with the spec's defaults for everything not given.
    ///
    /// - Parameters:
    ///   - transform: Default `.none`.
    ///   - clipLower: Default `nil` (no clip); at most `clipUpper` when both are set.
    ///   - clipUpper: Default `nil` (no clip).
    ///   - basis: Default `.linear`; at least 2 quantile bins or 3 spline knots.
    ///   - missing: Default `.indicator`.
    public init(transform: NumericTransform = .none, clipLower: Double? = nil, clipUpper: Double? = nil,
                basis: NumericBasis = .linear, missing: MissingPolicy = .indicator) {
        self.transform = transform
        self.clipLower = clipLower
        self.clipUpper = clipUpper
        self.basis = basis
        self.missing = missing
    }

    /// `x` transformed and clipped; NaN when `x` is NaN or outside the transform's domain.
    @inline(__always)
    func transformedAndClipped(_ x: Double) -> Double {
        var y = x
        if transform == .log1p { y = y > -1 ? log1p(y) : .nan }
        if let clipLower, y < clipLower { y = clipLower }
        if let clipUpper, y > clipUpper { y = clipUpper }
        return y
    }
}
