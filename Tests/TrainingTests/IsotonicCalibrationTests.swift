import Foundation
import TestSupport
import Testing
import Training

/// Isotonic calibration against scikit-learn's `IsotonicRegression(out_of_bounds="clip")` and
/// cases pooled by hand.
struct IsotonicCalibrationTests {
    @Test("Thresholds, values and predictions (clipped outside the fitted range) match scikit-learn to 1e-8",
          arguments: CalibrationFixture.caseNames)
    func matchesScikitLearn(name: String) throws {
        let f = CalibrationFixture.named(name)
        let isotonic = try IsotonicCalibration(fitting: f.probabilities, labels: f.labels, weights: f.weights)
        #expect(isotonic.thresholds == f.isotonic.thresholds)
        #expect(isotonic.values.count == f.isotonic.values.count)
        if isotonic.values.count == f.isotonic.values.count {
            #expect(maxRelativeError(isotonic.values, f.isotonic.values) <= 1e-8)
        }
        let predictions = f.isotonic.queryProbabilities.map { isotonic.probability($0) }
        #expect(maxRelativeError(predictions, f.isotonic.predictions) <= 1e-8)
        // The queries include 0 and 1, outside the fitted range: clipped to the end values.
        #expect(isotonic.probability(0) == isotonic.values.first && isotonic.probability(1) == isotonic.values.last)
    }

    @Test("A violator pooled by hand, interpolation between thresholds and clipping outside them")
    func byHand() throws {
        // Means 0, 1, 0, 1: the middle pair violates and pools to 1/2.
        let isotonic = try IsotonicCalibration(fitting: [0.1, 0.2, 0.3, 0.4], labels: [0, 1, 0, 1])
        #expect(isotonic.thresholds == [0.1, 0.2, 0.3, 0.4])
        #expect(isotonic.values == [0, 0.5, 0.5, 1])
        #expect(abs(isotonic.probability(0.15) - 0.25) <= 1e-15)
        #expect(isotonic.probability(0.25) == 0.5)
        #expect(isotonic.probability(0.05) == 0 && isotonic.probability(0.9) == 1)
        // Weight 3 on the win at 0.2: the pool's mean is 3/4.
        let weighted = try IsotonicCalibration(fitting: [0.1, 0.2, 0.3, 0.4], labels: [0, 1, 0, 1], weights: [1, 3, 1, 1])
        #expect(weighted.values == [0, 0.75, 0.75, 1])
    }

    @Test("Tied probabilities share their mean label; a flat stretch keeps only its ends; zero weights are dropped")
    func tiesAndFlatStretches() throws {
        let isotonic = try IsotonicCalibration(fitting: [0.2, 0.2, 0.2, 0.2, 0.5, 0.6, 0.7, 0.9, 0.95],
                                               labels: [1, 0, 0, 0, 1, 0, 1, 1, 0], weights: [1, 1, 1, 1, 1, 1, 1, 1, 0])
        // 0.2 → 1/4; 0.5 and 0.6 pool to 1/2; 0.7 and 0.9 are 1 (0.95 has weight 0).
        #expect(isotonic.thresholds == [0.2, 0.5, 0.6, 0.7, 0.9])
        #expect(isotonic.values == [0.25, 0.5, 0.5, 1, 1])
        #expect(isotonic.probability(0.95) == 1)
        let flat = try IsotonicCalibration(fitting: [0.1, 0.2, 0.3, 0.4, 0.5], labels: [1, 0, 1, 0, 1])
        // 1, 0 pool to 1/2; the next 1, 0 pool to 1/2 too and join the first pair: 1/2 up to
        // 0.4, then 1. Of the flat stretch only its ends 0.1 and 0.4 are kept.
        #expect(flat.thresholds == [0.1, 0.4, 0.5])
        #expect(flat.values == [0.5, 0.5, 1])
    }

    @Test("Probabilities outside [0, 1] are refused")
    func badInput() {
        #expect(throws: CalibrationError.invalidPrediction(row: 0, value: 1.5)) {
            try IsotonicCalibration(fitting: [1.5], labels: [1])
        }
        #expect(throws: CalibrationError.invalidPrediction(row: 0, value: -0.1)) {
            try IsotonicCalibration(fitting: [-0.1], labels: [1])
        }
    }
}
