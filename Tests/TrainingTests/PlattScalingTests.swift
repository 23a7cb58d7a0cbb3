import Foundation
import TestSupport
import Testing
import Training

/// Platt scaling against scikit-learn's `_sigmoid_calibration` (polished to its exact
/// minimum) and a case solved by hand.
struct PlattScalingTests {
    @Test("A, B and the calibrated probabilities match scikit-learn to 1e-8", arguments: CalibrationFixture.caseNames)
    func matchesScikitLearn(name: String) throws {
        let f = CalibrationFixture.named(name)
        let platt = try PlattScaling(fitting: f.logOdds, labels: f.labels, weights: f.weights)
        #expect(platt.converged)
        #expect(relativeError(platt.a, f.platt.a) <= 1e-8, "A \(platt.a) vs \(f.platt.a)")
        #expect(relativeError(platt.b, f.platt.b) <= 1e-8, "B \(platt.b) vs \(f.platt.b)")
        let predictions = f.platt.queryLogOdds.map { platt.probability(logOdds: $0) }
        #expect(maxRelativeError(predictions, f.platt.predictions) <= 1e-8)
    }

    @Test("Two log-odds values: the fit reproduces each one's mean smoothed target, A = −log 2 and B = 0")
    func twoPointsByHand() throws {
        // At η = +1: 3 wins, 1 loss; at η = −1: 1 win, 3 losses. With 4 wins and 4 losses the
        // targets are 5/6 and 1/6, so the mean target is 2/3 at η = +1 and 1/3 at η = −1, which
        // two parameters reproduce exactly: A + B = −log 2 and −A + B = log 2.
        let eta: [Double] = [1, 1, 1, 1, -1, -1, -1, -1]
        let y: [Double] = [1, 1, 1, 0, 1, 0, 0, 0]
        let platt = try PlattScaling(fitting: eta, labels: y)
        #expect(abs(platt.a + log(2)) <= 1e-12)
        #expect(abs(platt.b) <= 1e-12)
        #expect(abs(platt.probability(logOdds: 1) - 2.0 / 3) <= 1e-12)
        // Weights count as repeated rows: the same fit from one row per distinct case.
        let weighted = try PlattScaling(fitting: [1, 1, -1, -1], labels: [1, 0, 1, 0], weights: [3, 1, 1, 3])
        #expect(abs(weighted.a - platt.a) <= 1e-12 && abs(weighted.b - platt.b) <= 1e-12)
    }

    @Test("Equal log-odds: A is 0 and σ(−B) is the mean smoothed target")
    func constantLogOdds() throws {
        // 1 win and 3 losses: targets 2/3 and 1/5, mean (2/3 + 3/5)/4 = 19/60.
        let platt = try PlattScaling(fitting: [0.3, 0.3, 0.3, 0.3], labels: [1, 0, 0, 0])
        #expect(platt.a == 0)
        #expect(abs(platt.b - log(41.0 / 19)) <= 1e-12)
    }

    @Test("Extreme log-odds give probabilities in [0, 1] without overflow")
    func extremes() {
        let platt = PlattScaling(a: -1.5, b: 0.2)
        #expect(platt.probability(logOdds: 1e300) == 1)
        #expect(platt.probability(logOdds: -1e300) == 0)
        #expect(abs(platt.probability(logOdds: 0) - 1 / (1 + exp(0.2))) <= 1e-16)
    }

    @Test("Bad input is refused with a sentence")
    func badInput() {
        #expect(throws: CalibrationError.lengthMismatch(predictions: 2, labels: 1, weights: nil)) {
            try PlattScaling(fitting: [0, 1], labels: [1])
        }
        #expect(throws: CalibrationError.invalidPrediction(row: 1, value: .infinity)) {
            try PlattScaling(fitting: [0, .infinity], labels: [1, 0])
        }
        #expect(throws: CalibrationError.invalidLabel(row: 0, value: 2)) {
            try PlattScaling(fitting: [0, 1], labels: [2, 0])
        }
        #expect(throws: CalibrationError.noRows) {
            try PlattScaling(fitting: [0, 1], labels: [1, 0], weights: [0, 0])
        }
        #expect(CalibrationError.invalidWeight(row: 2, value: -1).description
            == "The weight of row 3 is -1.0; weights must be finite and not negative.")
    }
}
