import Foundation
import Scoring
import TestSupport
import Testing

struct LeakageCheckTests {
    /// `Tests/Fixtures/leakage/leakage.json`, written by `scripts/make_feature_fixtures.py`.
    struct Fixture: Decodable {
        /// A number, `null` for missing (NaN) or the string `"inf"`.
        struct Number: Decodable {
            let value: Double
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if container.decodeNil() {
                    value = .nan
                } else if let text = try? container.decode(String.self), text == "inf" {
                    value = .infinity
                } else {
                    value = try container.decode(Double.self)
                }
            }
        }
        struct Divergence: Decodable {
            let p: [Double]
            let q: [Double]
            let divergence: Double
        }
        struct Drift<Value: Decodable>: Decodable {
            let name: String
            let closed: [Value]
            let open: [Value]
            let closedFillRate: Double
            let openFillRate: Double
            let divergence: Double
        }
        struct AUC: Decodable {
            let name: String
            let values: [Number]
            let auc: Double
        }
        let labels: [Double]
        let divergences: [Divergence]
        let numericDrifts: [Drift<Number>]
        let categoricalDrifts: [Drift<String?>]
        let aucs: [AUC]

        static func load() throws -> Fixture {
            let url = fixturesDirectory.appendingPathComponent("leakage/leakage.json")
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }
    }

    // MARK: Jensen–Shannon divergence

    @Test func divergenceIsZeroForIdenticalAndOneForDisjointDistributions() {
        #expect(LeakageCheck.jensenShannonDivergence([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0)
        #expect(LeakageCheck.jensenShannonDivergence([1, 0], [0, 1]) == 1)
        #expect(LeakageCheck.jensenShannonDivergence([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75]) == 1)
    }

    @Test func divergenceOfAHalfAndHalfAgainstACertaintyByHand() {
        // m = (3/4, 1/4): ½[½ log₂(⅔) + ½ log₂ 2] + ½ log₂(4/3).
        let expected = 0.25 * log2(2.0 / 3) + 0.25 + 0.5 * log2(4.0 / 3)
        #expect(abs(LeakageCheck.jensenShannonDivergence([0.5, 0.5], [1, 0]) - expected) <= 1e-15)
        // Counts are divided by their sums, as scipy does.
        #expect(abs(LeakageCheck.jensenShannonDivergence([3, 3], [7, 0]) - expected) <= 1e-15)
    }

    @Test func divergenceEqualsScipysJensenShannonDistanceSquared() throws {
        for test in try Fixture.load().divergences {
            #expect(abs(LeakageCheck.jensenShannonDivergence(test.p, test.q) - test.divergence) <= 1e-12,
                    "p = \(test.p), q = \(test.q)")
        }
    }

    // MARK: Drift

    @Test func numericDriftEqualsNumpyDecilesAndScipy() throws {
        for test in try Fixture.load().numericDrifts {
            let drift = LeakageCheck.drift(column: test.name, closed: test.closed.map(\.value), open: test.open.map(\.value))
            #expect(drift.column == test.name)
            #expect(abs(drift.closedFillRate - test.closedFillRate) <= 1e-15, "\(test.name)")
            #expect(abs(drift.openFillRate - test.openFillRate) <= 1e-15, "\(test.name)")
            #expect(abs(drift.divergence - test.divergence) <= 1e-12, "\(test.name): \(drift.divergence) vs \(test.divergence)")
        }
    }

    @Test func categoricalDriftEqualsPandasFrequenciesAndScipy() throws {
        for test in try Fixture.load().categoricalDrifts {
            let drift = LeakageCheck.drift(column: test.name, closed: test.closed, open: test.open)
            #expect(abs(drift.closedFillRate - test.closedFillRate) <= 1e-15, "\(test.name)")
            #expect(abs(drift.openFillRate - test.openFillRate) <= 1e-15, "\(test.name)")
            #expect(abs(drift.divergence - test.divergence) <= 1e-12, "\(test.name)")
        }
    }

    @Test func aColumnFilledOnlyForClosedLeadsHasFillRatesOneAndZeroAndDivergenceOne() {
        let numeric = LeakageCheck.drift(column: "final_amount", closed: [1200, 50, 980], open: [.nan, .nan])
        #expect(numeric == ColumnDrift(column: "final_amount", closedFillRate: 1, openFillRate: 0, divergence: 1))
        #expect(numeric.fillRateGap == 1)
        let categorical = LeakageCheck.drift(column: "loss_reason", closed: ["price", nil, "timing", nil], open: [nil])
        #expect(categorical.closedFillRate == 0.5)
        #expect(categorical.openFillRate == 0)
        // Closed: price ¼, timing ¼, missing ½; open: missing 1. Cells open leads never fill add
        // p log₂ 2 however they are split, so this is the hand-computed (½, ½) against (0, 1).
        let expected = 0.25 * log2(2.0 / 3) + 0.25 + 0.5 * log2(4.0 / 3)
        #expect(abs(categorical.divergence - expected) <= 1e-15)
    }

    @Test func everyValueMissingOnBothSidesIsNoDrift() {
        let drift = LeakageCheck.drift(column: "fax", closed: [.nan, .nan], open: [.nan])
        #expect(drift == ColumnDrift(column: "fax", closedFillRate: 0, openFillRate: 0, divergence: 0))
    }

    // MARK: Single-feature AUC

    @Test func singleFeatureAUCEqualsScikitLearnsWithMissingRankedLowest() throws {
        let fixture = try Fixture.load()
        for test in fixture.aucs {
            let auc = LeakageCheck.singleFeatureAUC(values: test.values.map(\.value), labels: fixture.labels)
            #expect(abs(auc - test.auc) <= 1e-12, "\(test.name): \(auc) vs \(test.auc)")
        }
    }

    @Test func singleFeatureAUCFoldsReversedSeparationAndCountsTiesHalf() {
        let labels: [Double] = [0, 0, 1, 1]
        #expect(LeakageCheck.singleFeatureAUC(values: [1, 2, 3, 4], labels: labels) == 1)
        #expect(LeakageCheck.singleFeatureAUC(values: [4, 3, 2, 1], labels: labels) == 1)
        // Pairs (lost, won): (1, 2), (1, 3) and (2, 3) ordered, (2, 2) tied: 3.5 of 4.
        #expect(LeakageCheck.singleFeatureAUC(values: [1, 2, 2, 3], labels: labels) == 0.875)
        #expect(LeakageCheck.singleFeatureAUC(values: [5, 5, 5, 5], labels: labels) == 0.5)
        // Missing only for won leads: missingness alone separates them.
        #expect(LeakageCheck.singleFeatureAUC(values: [1, 7, .nan, .nan], labels: labels) == 1)
        // One class only: nothing to separate.
        #expect(LeakageCheck.singleFeatureAUC(values: [1, 2], labels: [1, 1]) == 0.5)
    }
}
