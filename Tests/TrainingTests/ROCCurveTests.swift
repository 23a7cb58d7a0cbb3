import Foundation
import TestSupport
import Testing
import Training

/// ROC curves against scikit-learn's `roc_curve` and `roc_auc_score`
/// (`scripts/make_roc_fixtures.py`).
struct ROCCurveTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let name: String
            let labels: [Double]
            let probabilities: [Double]
            let falsePositiveRate: [Double]
            let truePositiveRate: [Double]
            let thresholds: [Double?]
            let auc: Double
        }
        let cases: [Case]
    }

    static let fixture: Fixture = {
        let url = fixturesDirectory.appendingPathComponent("roc_curves.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static let caseNames = fixture.cases.map(\.name)

    /// The true positive rate of scikit-learn's full curve at `fpr` on the segment that starts
    /// at or before it, interpolated linearly.
    static func tprOnSegment(_ f: Fixture.Case, from lower: Int, to upper: Int, at index: Int) -> Double {
        let x0 = f.falsePositiveRate[lower], x1 = f.falsePositiveRate[upper]
        let y0 = f.truePositiveRate[lower], y1 = f.truePositiveRate[upper]
        let x = f.falsePositiveRate[index]
        // A vertical segment: interpolate along the true positive rate (nothing to check).
        guard x1 > x0 else { return f.truePositiveRate[index] }
        return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    }

    @Test("Every kept point is a point of scikit-learn's curve, with its threshold", arguments: caseNames)
    func pointsAreSklearnPoints(name: String) throws {
        let f = try #require(Self.fixture.cases.first { $0.name == name })
        let roc = try #require(ROCCurve(probabilities: f.probabilities, labels: f.labels))
        #expect(roc.points.count <= ROCCurve.defaultMaximumPoints)
        #expect(roc.points.first == ROCCurve.Point(falsePositiveRate: 0, truePositiveRate: 0, threshold: nil))
        #expect(roc.points.last?.falsePositiveRate == 1 && roc.points.last?.truePositiveRate == 1)
        var previous = -1
        for point in roc.points {
            // scikit-learn's thresholds decrease strictly, one per distinct probability.
            let index = try #require(f.thresholds.firstIndex { $0 == point.threshold }, "threshold \(String(describing: point.threshold))")
            #expect(index > previous)
            previous = index
            #expect(abs(point.falsePositiveRate - f.falsePositiveRate[index]) <= 1e-12)
            #expect(abs(point.truePositiveRate - f.truePositiveRate[index]) <= 1e-12)
        }
    }

    @Test("Without thinning, scikit-learn's points all lie on the kept segments and the area is the AUC",
          arguments: caseNames.filter { $0 != "thinned" })
    func exactCurve(name: String) throws {
        let f = try #require(Self.fixture.cases.first { $0.name == name })
        let roc = try #require(ROCCurve(probabilities: f.probabilities, labels: f.labels))
        #expect(!roc.isThinned)
        let kept = roc.points.map { point in f.thresholds.firstIndex { $0 == point.threshold }! }
        for (lower, upper) in zip(kept, kept.dropFirst()) {
            for index in lower...upper {
                #expect(abs(Self.tprOnSegment(f, from: lower, to: upper, at: index) - f.truePositiveRate[index]) <= 1e-12,
                        "point \(index) of scikit-learn's curve is off the segment \(lower)–\(upper)")
            }
        }
        #expect(abs(roc.area - f.auc) <= 1e-12)
        let metrics = try #require(ClassificationMetrics(probabilities: f.probabilities, labels: f.labels))
        #expect(abs(roc.area - metrics.auc) <= 1e-12)
    }

    @Test("Hand-checked curves: all tied, and a perfect ranking")
    func handChecked() throws {
        let constant = try #require(ROCCurve(probabilities: [0.3, 0.3, 0.3, 0.3], labels: [1, 0, 0, 1]))
        #expect(constant.points.map(\.falsePositiveRate) == [0, 1])
        #expect(constant.points.map(\.truePositiveRate) == [0, 1])
        #expect(constant.points.map(\.threshold) == [nil, 0.3])
        #expect(constant.area == 0.5)
        let perfect = try #require(ROCCurve(probabilities: [0.1, 0.2, 0.8, 0.9, 0.95], labels: [0, 0, 1, 1, 1]))
        #expect(perfect.points.map(\.falsePositiveRate) == [0, 0, 1])
        #expect(perfect.points.map(\.truePositiveRate) == [0, 1, 1])
        #expect(perfect.points.map(\.threshold) == [nil, 0.8, 0.1])
        #expect(perfect.area == 1)
        #expect(ROCCurve(probabilities: [0.2, 0.4], labels: [1, 1]) == nil)
        #expect(ROCCurve(probabilities: [], labels: []) == nil)
    }

    @Test("A thinned curve keeps at most the maximum and its area stays within the documented bound of the AUC")
    func thinned() throws {
        let f = try #require(Self.fixture.cases.first { $0.name == "thinned" })
        for maximum in [4, 10, 50, 200] {
            let roc = try #require(ROCCurve(probabilities: f.probabilities, labels: f.labels, maximumPoints: maximum))
            #expect(roc.isThinned)
            #expect(roc.points.count <= maximum)
            #expect(abs(roc.area - f.auc) <= 4 / Double(maximum - 3) / 4)
        }
        let roc = try #require(ROCCurve(probabilities: f.probabilities, labels: f.labels))
        #expect(abs(roc.area - f.auc) <= 1e-3)
    }

    @Test("The curve survives a JSON round trip, the origin without a threshold")
    func codable() throws {
        let roc = try #require(ROCCurve(probabilities: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]))
        let json = try JSONEncoder().encode(roc)
        #expect(try JSONDecoder().decode(ROCCurve.self, from: json) == roc)
        #expect(!String(decoding: json, as: UTF8.self).contains("null"))
    }
}
