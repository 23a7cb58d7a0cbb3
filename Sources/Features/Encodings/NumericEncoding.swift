/// A numeric feature's fitted encoding: transform, clip, basis and missing-value handling,
/// learnt from training leads and saved with the model so that scoring encodes as training did.
///
/// A value goes through four steps:
/// 1. the transform (`log1p`), which turns a value of -1 or less into a missing one;
/// 2. the clip to `[clipLower, clipUpper]`; a value still infinite or NaN is missing;
/// 3. a missing value becomes `missingValue`: the training median (policy `.indicator`) or the
///    value 0 transformed and clipped (policy `.zero`);
/// 4. the basis writes its columns, and the indicator column `NAME:missing` (when there is one)
///    is 1 for a missing value and 0 otherwise.
///
/// For example `log1p`, clip `[0, 5]`, linear, with training values `[0, e − 1, NaN]`: the
/// columns are `NAME` and `NAME:missing`; the median of `[0, 1]` is 0.5, so NaN encodes as
/// `[0.5, 1]` and 1e9 as `[5, 0]`.
public struct NumericEncoding: Codable, Equatable, Sendable {
    /// The feature's name, the stem of its column names.
    public let name: String
    /// The options the encoding was fitted with.
    public let options: NumericOptions
    /// What a missing value becomes before the basis: the median of the transformed and clipped
    /// training values (policy `.indicator`), or 0 transformed and clipped (policy `.zero`).
    public let missingValue: Double
    /// Whether the encoding has a `NAME:missing` column: policy `.indicator` and at least one
    /// training value missing. Without it, a missing value at scoring time is imputed only.
    public let hasMissingIndicator: Bool
    /// The interior cuts of `.quantileBins`, ascending and distinct; bin j (j ≥ 1, column
    /// `NAME[j]`) holds the values in `(binEdges[j−1], binEdges[j]]`, the last one everything
    /// above `binEdges.last`. Empty for other bases.
    public let binEdges: [Double]
    /// The knots of `.naturalSpline`, ascending and distinct. Empty for other bases.
    public let knots: [Double]

    /// Fits the encoding to the values of the training leads.
    ///
    /// Under policy `.zero` a missing training value counts as 0 in the quantiles, as it will
    /// when encoded; under `.indicator` only present values count.
    ///
    /// - Parameters:
    ///   - name: The feature's name.
    ///   - options: Transform, clip, basis and missing policy.
    ///   - values: One value per training lead; NaN means missing.
    /// - Throws: `FeatureError` when an option is out of range (`.invalidClip`,
    ///   `.invalidBinCount` below 2, `.invalidKnotCount` below 3), when a value is outside
    ///   log1p's domain (`.log1pOutOfDomain`) or infinite after the clip (`.infiniteValue`), when
    ///   every value is missing (`.allValuesMissing`), or when the quantiles leave too few bins
    ///   or knots (`.singleQuantileBin`, `.tooFewDistinctKnots`).
    /// - Complexity: O(n log n) for n values (one sort).
    public init(name: String, options: NumericOptions, fitting values: [Double]) throws(FeatureError) {
        if options.clipLower?.isNaN == true || options.clipUpper?.isNaN == true
            || (options.clipLower ?? -.infinity) > (options.clipUpper ?? .infinity) {
            throw .invalidClip(feature: name, lower: options.clipLower, upper: options.clipUpper)
        }
        switch options.basis {
        case .linear: break
        case .quantileBins(let bins): if bins < 2 { throw .invalidBinCount(feature: name, bins: bins) }
        case .naturalSpline(let knots): if knots < 3 { throw .invalidKnotCount(feature: name, knots: knots) }
        }
        let zero = options.transformedAndClipped(0)
        var fitted: [Double] = []
        fitted.reserveCapacity(values.count)
        var missingCount = 0
        for value in values {
            if value.isNaN {
                missingCount += 1
                if options.missing == .zero { fitted.append(zero) }
                continue
            }
            if options.transform == .log1p && !(value > -1) { throw .log1pOutOfDomain(feature: name, value: value) }
            let x = options.transformedAndClipped(value)
            guard x.isFinite else { throw .infiniteValue(feature: name, value: x) }
            fitted.append(x)
        }
        guard missingCount < values.count else { throw .allValuesMissing(feature: name) }
        fitted.sort()

        self.name = name
        self.options = options
        let middle = fitted.count / 2
        let median = fitted.count % 2 == 1 ? fitted[middle] : (fitted[middle - 1] + fitted[middle]) / 2
        self.missingValue = options.missing == .zero ? zero : median
        self.hasMissingIndicator = options.missing == .indicator && missingCount > 0

        switch options.basis {
        case .linear:
            binEdges = []
            knots = []
        case .quantileBins(let bins):
            let largest = fitted[fitted.count - 1]
            var edges: [Double] = []
            for j in 1..<bins {
                let edge = SampleQuantile.invertedCDF(fitted, Double(j) / Double(bins))
                if edge < largest && edge != edges.last { edges.append(edge) }
            }
            guard !edges.isEmpty else {
                var distinct = 1
                for i in 1..<fitted.count where fitted[i] != fitted[i - 1] { distinct += 1 }
                throw .singleQuantileBin(feature: name, bins: bins, distinctValues: distinct, largest: largest)
            }
            binEdges = edges
            knots = []
        case .naturalSpline(let count):
            let outer = count == 3 ? 0.1 : count <= 6 ? 0.05 : 0.025
            var distinct: [Double] = []
            for i in 0..<count {
                let p = outer + (1 - 2 * outer) * Double(i) / Double(count - 1)
                let knot = SampleQuantile.linear(fitted, p)
                if knot != distinct.last { distinct.append(knot) }
            }
            guard distinct.count >= 3 else {
                throw .tooFewDistinctKnots(feature: name, requested: count, knots: distinct)
            }
            binEdges = []
            knots = distinct
        }
    }

    /// The number of columns of the basis, without the indicator.
    private var basisWidth: Int {
        switch options.basis {
        case .linear: 1
        case .quantileBins: binEdges.count
        case .naturalSpline: knots.count - 1
        }
    }

    /// The number of output columns.
    public var width: Int { basisWidth + (hasMissingIndicator ? 1 : 0) }

    /// The output column names: `NAME` for the linear basis, `NAME[1]`… for basis columns
    /// (bins from the second upwards; the spline's value then its cubic terms), and
    /// `NAME:missing` last when there is an indicator.
    public var columnNames: [String] {
        var names: [String]
        if case .linear = options.basis {
            names = [name]
        } else {
            names = (1...basisWidth).map { "\(name)[\($0)]" }
        }
        if hasMissingIndicator { names.append("\(name):missing") }
        return names
    }

    /// Writes the `width` columns of `value` to `output[offset..<offset + width]`.
    ///
    /// The spline's columns are x and, for j = 1…K−2 with knots t₁ < … < t_K,
    /// `[(x−tⱼ)₊³ − (x−t_{K−1})₊³ (t_K−tⱼ)/(t_K−t_{K−1}) + (x−t_K)₊³ (t_{K−1}−tⱼ)/(t_K−t_{K−1})] / (t_K−t₁)²`
    /// (Harrell's restricted cubic spline, scaled by the squared knot span so that the terms
    /// share x's units).
    ///
    /// - Parameters:
    ///   - value: The lead's raw value; NaN, infinity without a clip on that side, and values
    ///     outside log1p's domain are missing.
    ///   - output: The row being filled; must have room for `width` values at `offset`.
    ///   - offset: Where the first column goes.
    /// - Complexity: O(log bins) for quantile bins, O(knots) for the spline; no allocation.
    public func encode(_ value: Double, into output: inout [Double], at offset: Int) {
        var x = options.transformedAndClipped(value)
        let missing = !x.isFinite
        if missing { x = missingValue }
        switch options.basis {
        case .linear:
            output[offset] = x
        case .quantileBins:
            // The bin is the number of cuts strictly below x, as bins are closed on the right.
            var low = 0, high = binEdges.count
            while low < high {
                let mid = (low + high) / 2
                if binEdges[mid] < x { low = mid + 1 } else { high = mid }
            }
            output.setToZero(from: offset, count: binEdges.count)
            if low > 0 { output[offset + low - 1] = 1 }
        case .naturalSpline:
            output[offset] = x
            let k = knots.count
            let last = knots[k - 1], nextToLast = knots[k - 2]
            let tailSpan = last - nextToLast
            let scale = (last - knots[0]) * (last - knots[0])
            let cubeLast = cubeOfPositivePart(x - last), cubeNextToLast = cubeOfPositivePart(x - nextToLast)
            for j in 0..<(k - 2) {
                let t = knots[j]
                let term = cubeOfPositivePart(x - t) - cubeNextToLast * ((last - t) / tailSpan)
                    + cubeLast * ((nextToLast - t) / tailSpan)
                output[offset + 1 + j] = term / scale
            }
        }
        if hasMissingIndicator { output[offset + basisWidth] = missing ? 1 : 0 }
    }

    private enum CodingKeys: String, CodingKey {
        case name, options, missingValue, hasMissingIndicator, binEdges, knots
    }

    /// Reads an encoding written by `encode(to:)`, checking that its cuts fit its basis.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        options = try container.decode(NumericOptions.self, forKey: .options)
        missingValue = try container.decode(Double.self, forKey: .missingValue)
        hasMissingIndicator = try container.decode(Bool.self, forKey: .hasMissingIndicator)
        binEdges = try container.decode([Double].self, forKey: .binEdges)
        knots = try container.decode([Double].self, forKey: .knots)
        let consistent: Bool
        switch options.basis {
        case .linear: consistent = binEdges.isEmpty && knots.isEmpty
        case .quantileBins: consistent = !binEdges.isEmpty && knots.isEmpty && isStrictlyAscending(binEdges)
        case .naturalSpline: consistent = binEdges.isEmpty && knots.count >= 3 && isStrictlyAscending(knots)
        }
        guard consistent, missingValue.isFinite else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "The encoding of feature `\(name)` has cuts or knots that do not fit its basis."))
        }
    }
}

/// `max(x, 0)³`.
@inline(__always)
private func cubeOfPositivePart(_ x: Double) -> Double {
    x > 0 ? x * x * x : 0
}

/// Whether every element is finite and above the one before it.
private func isStrictlyAscending(_ values: [Double]) -> Bool {
    values.allSatisfy(\.isFinite) && zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
}
