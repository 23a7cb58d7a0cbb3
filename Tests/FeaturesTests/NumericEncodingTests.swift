import Features
import Foundation
import TestSupport
import Testing

struct NumericEncodingTests {
    // MARK: Transform, clip and missing values, by closed form

    @Test func log1pThenClipThenTheMedianForMissingWithAnIndicator() throws {
        // log1p gives 0, 1, log 4, log 21; the clip lowers log 21 (≈ 3.04) to 2.5.
        let options = NumericOptions(transform: .log1p, clipUpper: 2.5)
        let encoding = try NumericEncoding(name: "amount", options: options, fitting: [0, M_E - 1, .nan, 3, 20])
        #expect(encoding.columnNames == ["amount", "amount:missing"])
        #expect(encoding.width == 2)
        let median = (1 + log(4.0)) / 2
        #expect(abs(encoding.missingValue - median) <= 1e-15)
        #expect(encoding.columns(.nan) == [encoding.missingValue, 1])
        #expect(abs(encoding.columns(3)[0] - log(4.0)) <= 1e-15)
        #expect(encoding.columns(3)[1] == 0)
        #expect(encoding.columns(1e9) == [2.5, 0])
        #expect(encoding.columns(0) == [0, 0])
        // log1p is undefined at -1 and below: such a value at scoring time is missing.
        #expect(encoding.columns(-1) == [encoding.missingValue, 1])
        #expect(encoding.columns(-7) == [encoding.missingValue, 1])
    }

    @Test func withoutMissingTrainingValuesThereIsNoIndicatorAndMissingOnlyImputes() throws {
        let encoding = try NumericEncoding(name: "seats", options: NumericOptions(clipLower: 2), fitting: [1, 5, 4, 10])
        #expect(encoding.columnNames == ["seats"])
        #expect(!encoding.hasMissingIndicator)
        // Clipped values 2, 5, 4, 10: the median is (4 + 5) / 2.
        #expect(encoding.missingValue == 4.5)
        #expect(encoding.columns(.nan) == [4.5])
        #expect(encoding.columns(-3) == [2])
        #expect(encoding.columns(7.25) == [7.25])
    }

    @Test func theZeroPolicyEncodesMissingAsZeroWithoutAnIndicator() throws {
        let encoding = try NumericEncoding(name: "visits", options: NumericOptions(missing: .zero), fitting: [.nan, 2, 4, .nan])
        #expect(encoding.columnNames == ["visits"])
        #expect(encoding.missingValue == 0)
        #expect(encoding.columns(.nan) == [0])
        // Zero goes through the clip like any value.
        let clipped = try NumericEncoding(
            name: "visits", options: NumericOptions(clipLower: 1, missing: .zero), fitting: [.nan, 2, 4])
        #expect(clipped.columns(.nan) == [1])
    }

    @Test func theZeroPolicyCountsMissingTrainingValuesAsZerosInTheQuantiles() throws {
        // Training as encoded: 0, 0, 0, 5, 6, 7. The inverted-CDF median is 0, so the one cut
        // is at 0: bins (−∞, 0] and (0, ∞).
        let options = NumericOptions(basis: .quantileBins(2), missing: .zero)
        let encoding = try NumericEncoding(name: "visits", options: options, fitting: [.nan, 5, .nan, 6, .nan, 7])
        #expect(encoding.binEdges == [0])
        #expect(encoding.columnNames == ["visits[1]"])
        #expect(encoding.columns(.nan) == [0])
        #expect(encoding.columns(0.5) == [1])
    }

    @Test func infinityIsClippedWhenTheClipAllowsAndRefusedOtherwise() throws {
        #expect(throws: FeatureError.infiniteValue(feature: "ratio", value: .infinity)) {
            try NumericEncoding(name: "ratio", options: NumericOptions(), fitting: [1, .infinity])
        }
        let clipped = try NumericEncoding(name: "ratio", options: NumericOptions(clipUpper: 10), fitting: [1, 2, .infinity])
        #expect(clipped.missingValue == 2)
        #expect(clipped.columns(.infinity) == [10])
        let unclipped = try NumericEncoding(name: "ratio", options: NumericOptions(), fitting: [1, 2, .nan])
        #expect(unclipped.columns(-.infinity) == [1.5, 1])
    }

    @Test func refusesValuesAndOptionsItCannotFit() {
        #expect(throws: FeatureError.log1pOutOfDomain(feature: "margin", value: -3)) {
            try NumericEncoding(name: "margin", options: NumericOptions(transform: .log1p), fitting: [2, -3, 1])
        }
        #expect(throws: FeatureError.log1pOutOfDomain(feature: "margin", value: -1)) {
            try NumericEncoding(name: "margin", options: NumericOptions(transform: .log1p), fitting: [-1])
        }
        #expect(throws: FeatureError.allValuesMissing(feature: "margin")) {
            try NumericEncoding(name: "margin", options: NumericOptions(), fitting: [.nan, .nan])
        }
        #expect(throws: FeatureError.allValuesMissing(feature: "margin")) {
            try NumericEncoding(name: "margin", options: NumericOptions(missing: .zero), fitting: [.nan])
        }
        #expect(throws: FeatureError.allValuesMissing(feature: "margin")) {
            try NumericEncoding(name: "margin", options: NumericOptions(), fitting: [])
        }
        #expect(throws: FeatureError.invalidClip(feature: "margin", lower: 5, upper: 1)) {
            try NumericEncoding(name: "margin", options: NumericOptions(clipLower: 5, clipUpper: 1), fitting: [2])
        }
        #expect(throws: FeatureError.invalidBinCount(feature: "margin", bins: 1)) {
            try NumericEncoding(name: "margin", options: NumericOptions(basis: .quantileBins(1)), fitting: [2, 3])
        }
        #expect(throws: FeatureError.invalidKnotCount(feature: "margin", knots: 2)) {
            try NumericEncoding(name: "margin", options: NumericOptions(basis: .naturalSpline(knots: 2)), fitting: [2, 3])
        }
        #expect(throws: FeatureError.singleQuantileBin(feature: "margin", bins: 4, distinctValues: 1, largest: 3)) {
            try NumericEncoding(name: "margin", options: NumericOptions(basis: .quantileBins(4)), fitting: [3, 3, .nan, 3])
        }
        // 0, 1, 1, 1: the one cut of two bins is the median, 1, which is also the maximum.
        #expect(throws: FeatureError.singleQuantileBin(feature: "margin", bins: 2, distinctValues: 2, largest: 1)) {
            try NumericEncoding(name: "margin", options: NumericOptions(basis: .quantileBins(2)), fitting: [0, 1, 1, 1])
        }
        // 70 zeros and 30 sevens: the knots at the 5%, 35% and 65% quantiles are all 0.
        let mostlyZero = [Double](repeating: 0, count: 70) + [Double](repeating: 7, count: 30)
        #expect(throws: FeatureError.tooFewDistinctKnots(feature: "margin", requested: 4, knots: [0, 7])) {
            try NumericEncoding(name: "margin", options: NumericOptions(basis: .naturalSpline(knots: 4)), fitting: mostlyZero)
        }
    }

    @Test func errorMessagesSayWhatToDo() {
        let messages: [(FeatureError, String)] = [
            (.log1pOutOfDomain(feature: "margin", value: -3),
             "Feature `margin` has the value -3 for a training lead, but log1p needs values above -1. "
                + "Use `transform: none` for this feature, or check why its values go down to -3."),
            (.allValuesMissing(feature: "margin"),
             "Feature `margin` is missing for every training lead, so it cannot be fitted. "
                + "Check the column it reads, or remove the feature from the spec."),
            (.infiniteValue(feature: "ratio", value: -.infinity),
             "Feature `ratio` is -infinity for a training lead. "
                + "Leave the value empty when it is unknown, or clip it in the spec (clip: [low, high])."),
            (.invalidClip(feature: "margin", lower: 5, upper: 1.5),
             "Feature `margin` has clip: [5, 1.5]; the lower end must be a number at most the upper end. Swap or fix them."),
            (.invalidBinCount(feature: "margin", bins: 1),
             "Feature `margin` asks for quantile_bins: 1; quantile bins need at least 2 bins. Use 2 or more, or `basis: linear`."),
            (.invalidKnotCount(feature: "margin", knots: 2),
             "Feature `margin` asks for natural_spline: 2; a natural spline needs at least 3 knots. "
                + "Use 3 or more, or `basis: linear`."),
            (.singleQuantileBin(feature: "margin", bins: 4, distinctValues: 1, largest: 3),
             "Feature `margin` is 3 for every training lead that has it, so quantile_bins: 4 has no second bin. "
                + "Check the column it reads, or remove the feature from the spec."),
            (.singleQuantileBin(feature: "margin", bins: 2, distinctValues: 2, largest: 1),
             "Feature `margin` cannot be cut into quantile_bins: 2: every cut at its training quantiles falls on its "
                + "largest value, 1, which leaves a single bin. Ask for more bins, or use `basis: linear`."),
            (.tooFewDistinctKnots(feature: "margin", requested: 4, knots: [0, 25.5]),
             "Feature `margin` asks for natural_spline: 4, but its training quantiles give only 2 distinct knots "
                + "(0, 25.5) and a natural spline needs 3. Use quantile_bins or `basis: linear` for this feature."),
        ]
        for (error, message) in messages { #expect(error.description == message) }
    }

    // MARK: Quantile bins against numpy and pandas

    struct BinsFixture: Decodable {
        struct Case: Decodable {
            let name: String
            let bins: Int
            let transform: NumericTransform
            let clipLower: Double?
            let clipUpper: Double?
            let values: [Double]
            let edges: [Double]
            let probes: [Double]
            let probeBins: [Int]
            let median: Double
        }
        let cases: [Case]
    }

    @Test func binEdgesAreNumpysInvertedCDFQuantilesAndBinsArePandasCuts() throws {
        let fixture = try loadFeatureFixture("quantile_bins", as: BinsFixture.self)
        for test in fixture.cases {
            let options = NumericOptions(transform: test.transform, clipLower: test.clipLower, clipUpper: test.clipUpper,
                                         basis: .quantileBins(test.bins))
            let encoding = try NumericEncoding(name: test.name, options: options, fitting: test.values)
            #expect(encoding.binEdges == test.edges, "\(test.name)")
            #expect(encoding.missingValue == test.median, "\(test.name)")
            #expect(encoding.columnNames == (1...test.edges.count).map { "\(test.name)[\($0)]" })
            for (probe, bin) in zip(test.probes, test.probeBins) {
                var expected = [Double](repeating: 0, count: test.edges.count)
                if bin > 0 { expected[bin - 1] = 1 }
                #expect(encoding.columns(probe) == expected, "\(test.name) at \(probe)")
            }
        }
    }

    @Test func binsWithAMissingIndicator() throws {
        let options = NumericOptions(basis: .quantileBins(3))
        let encoding = try NumericEncoding(name: "age", options: options, fitting: [1, 2, 3, 4, 5, 6, .nan])
        // Inverted-CDF tertiles of 1…6: the 2nd and 4th values.
        #expect(encoding.binEdges == [2, 4])
        #expect(encoding.columnNames == ["age[1]", "age[2]", "age:missing"])
        #expect(encoding.columns(2) == [0, 0, 0])
        #expect(encoding.columns(2.5) == [1, 0, 0])
        #expect(encoding.columns(99) == [0, 1, 0])
        // The median, 3.5, is in the middle bin.
        #expect(encoding.columns(.nan) == [1, 0, 1])
    }

    // MARK: Natural splines against Harrell's closed form and patsy

    struct SplineFixture: Decodable {
        struct Case: Decodable {
            let name: String
            let knotCount: Int
            let transform: NumericTransform
            let values: [Double]
            let knots: [Double]
            let points: [Double]
            let transformedPoints: [Double]
            let harrell: [[Double]]
            let patsyCR: [[Double]]
        }
        let cases: [Case]
    }

    static func splineCases() throws -> [(SplineFixture.Case, NumericEncoding)] {
        try loadFeatureFixture("natural_spline", as: SplineFixture.self).cases.map { test in
            let options = NumericOptions(transform: test.transform, basis: .naturalSpline(knots: test.knotCount))
            return (test, try NumericEncoding(name: test.name, options: options, fitting: test.values))
        }
    }

    @Test func knotsAreNumpyQuantilesAtHarrellsPositions() throws {
        for (test, encoding) in try Self.splineCases() {
            #expect(encoding.knots.count == test.knotCount)
            #expect(maxRelativeError(encoding.knots, test.knots) <= 1e-14, "\(test.name)")
            #expect(encoding.columnNames == (1..<test.knotCount).map { "\(test.name)[\($0)]" })
        }
    }

    @Test func splineColumnsEqualHarrellsRestrictedCubicSpline() throws {
        for (test, encoding) in try Self.splineCases() {
            for (point, expected) in zip(test.points, test.harrell) {
                let columns = encoding.columns(point)
                let scale = expected.map(abs).max()!
                #expect(zip(columns, expected).allSatisfy { abs($0 - $1) <= 1e-11 * max(scale, 1) },
                        "\(test.name) at \(point): \(columns) vs \(expected)")
            }
        }
    }

    @Test func splineColumnsSpanTheSameSpaceAsPatsysNaturalCubicSpline() throws {
        for (test, encoding) in try Self.splineCases() {
            // With the constant, K columns each; each set must lie in the span of the other.
            let ours = test.points.map { [1] + encoding.columns($0) }
            let reference = test.patsyCR
            #expect(ours[0].count == reference[0].count)
            #expect(maxProjectionResidual(of: reference, onto: ours) <= 1e-9, "\(test.name): patsy onto ours")
            #expect(maxProjectionResidual(of: ours, onto: reference) <= 1e-9, "\(test.name): ours onto patsy")
        }
    }

    @Test func splineIsLinearBeyondTheBoundaryKnots() throws {
        for (test, encoding) in try Self.splineCases() {
            let t = encoding.knots
            let h = (t[t.count - 1] - t[0]) / 50
            for start in [t[0] - 20 * h, t[0] - 3 * h, t[t.count - 1], t[t.count - 1] + 20 * h] {
                let f = (0..<3).map { encoding.columns(untransformed(start + Double($0) * h, test.transform)) }
                for j in f[0].indices {
                    let scale = max(1, abs(f[0][j]), abs(f[2][j]))
                    #expect(abs(f[0][j] - 2 * f[1][j] + f[2][j]) <= 1e-10 * scale, "\(test.name) column \(j) at \(start)")
                }
            }
        }
    }

    @Test func splineHasAContinuousSecondDerivativeAtTheKnotsButNotAThird() throws {
        for (test, encoding) in try Self.splineCases() where test.transform == .none {
            let t = encoding.knots
            let h = zip(t, t.dropFirst()).map { $1 - $0 }.min()! / 10
            func f(_ x: Double) -> [Double] { encoding.columns(x) }
            for knot in t {
                // One-sided second differences exact for cubics, so each side sees one piece only.
                let left = (0..<4).map { f(knot - Double($0) * h) }
                let right = (0..<4).map { f(knot + Double($0) * h) }
                for j in 1..<left[0].count {
                    let secondLeft = (2 * left[0][j] - 5 * left[1][j] + 4 * left[2][j] - left[3][j]) / (h * h)
                    let secondRight = (2 * right[0][j] - 5 * right[1][j] + 4 * right[2][j] - right[3][j]) / (h * h)
                    let scale = max(abs(secondLeft), abs(secondRight), 1 / (t[t.count - 1] - t[0]))
                    #expect(abs(secondLeft - secondRight) <= 1e-6 * scale, "\(test.name) column \(j) at knot \(knot)")
                }
            }
            // The test can see a jump: the third derivative of the first cubic term jumps at t₁.
            let thirdLeft = (0..<4).map { f(t[0] - Double($0) * h)[1] }
            let thirdRight = (0..<4).map { f(t[0] + Double($0) * h)[1] }
            let jump = (thirdRight[3] - 3 * thirdRight[2] + 3 * thirdRight[1] - thirdRight[0])
                - (thirdLeft[0] - 3 * thirdLeft[1] + 3 * thirdLeft[2] - thirdLeft[3])
            #expect(abs(jump / (h * h * h)) > 1e-3, "\(test.name)")
        }
    }

    // MARK: Saving

    @Test func everyBasisRoundTripsThroughJSON() throws {
        let values: [Double] = [0, 1, 2, 3, 5, 8, 13, 21, 34, .nan, 55]
        for options in [
            NumericOptions(transform: .log1p, clipUpper: 3.5),
            NumericOptions(clipLower: 1, basis: .quantileBins(4), missing: .zero),
            NumericOptions(basis: .naturalSpline(knots: 4)),
        ] {
            let encoding = try NumericEncoding(name: "visits", options: options, fitting: values)
            let decoded = try roundTripped(encoding)
            #expect(decoded == encoding)
            for value in values + [-0.5, 100] {
                #expect(decoded.columns(value).elementsEqual(encoding.columns(value)) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            }
        }
        // The saved form, written by hand: the basis as the spec spells it.
        let saved = #"""
            {"name":"x","options":{"transform":"log1p","clipUpper":3,"basis":{"naturalSpline":3},"missing":"indicator"},
             "missingValue":0.25,"hasMissingIndicator":true,"binEdges":[],"knots":[0.5,1,2.5]}
            """#
        let read = try JSONDecoder().decode(NumericEncoding.self, from: Data(saved.utf8))
        #expect(read.options == NumericOptions(transform: .log1p, clipUpper: 3, basis: .naturalSpline(knots: 3)))
        #expect(read.knots == [0.5, 1, 2.5])
        #expect(read.columnNames == ["x[1]", "x[2]", "x:missing"])
        #expect(read.columns(.nan) == [0.25, 0, 1])
        let bins = try JSONDecoder().decode(NumericBasis.self, from: Data(#"{"quantileBins":10}"#.utf8))
        #expect(bins == .quantileBins(10))
        #expect(String(decoding: try JSONEncoder().encode(NumericBasis.linear), as: UTF8.self) == #""linear""#)
        #expect(try JSONDecoder().decode([NumericBasis].self, from: Data(#"["linear"]"#.utf8)) == [.linear])
        // Two knots cannot come from a natural spline.
        let corrupt = Data(saved.replacingOccurrences(of: "[0.5,1,2.5]", with: "[0.5,1]").utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(NumericEncoding.self, from: corrupt) }
    }
}

/// The value whose transform is `x`.
private func untransformed(_ x: Double, _ transform: NumericTransform) -> Double {
    transform == .log1p ? expm1(x) : x
}

/// The largest residual of a least-squares fit of any column of `b` on the columns of `a`
/// (rows of equal length), relative to that column's largest entry: 0 when every column of `b`
/// lies in the span of `a`'s.
private func maxProjectionResidual(of b: [[Double]], onto a: [[Double]]) -> Double {
    // An orthonormal basis of a's columns by modified Gram–Schmidt, run twice for accuracy.
    let n = a.count
    var basis: [[Double]] = []
    for j in 0..<a[0].count {
        var v = (0..<n).map { a[$0][j] }
        for _ in 0..<2 {
            for q in basis {
                let dot = zip(q, v).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n { v[i] -= dot * q[i] }
            }
        }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        precondition(norm > 1e-8, "The columns being projected onto are dependent.")
        basis.append(v.map { $0 / norm })
    }
    var worst = 0.0
    for j in 0..<b[0].count {
        var r = (0..<n).map { b[$0][j] }
        let scale = r.map(abs).max()!
        for _ in 0..<2 {
            for q in basis {
                let dot = zip(q, r).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n { r[i] -= dot * q[i] }
            }
        }
        worst = max(worst, r.map(abs).max()! / scale)
    }
    return worst
}
