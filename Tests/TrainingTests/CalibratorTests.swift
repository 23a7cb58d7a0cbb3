import Foundation
import TestSupport
import Testing
import Training

/// The calibrator that models store: either method through the model's log-odds, its ranges,
/// and its JSON form.
struct CalibratorTests {
    @Test("Isotonic calibration through the log-odds is the isotonic map of σ(η), fitted on σ(η)")
    func isotonicThroughLogOdds() throws {
        let f = CalibrationFixture.named("large")
        let calibrator = try Calibrator(fitting: .isotonic, logOdds: f.logOdds, labels: f.labels)
        guard case .isotonic(let isotonic) = calibrator else { Issue.record("not isotonic"); return }
        #expect(isotonic.thresholds.count == f.isotonic.thresholds.count)
        for (eta, p) in zip(f.logOdds, f.probabilities) {
            #expect(abs(calibrator.probability(logOdds: eta) - isotonic.probability(p)) <= 1e-12)
        }
        let expected = f.probabilities.map { isotonic.probability($0) }
        let reference = Array(f.isotonic.predictions.prefix(f.probabilities.count))
        #expect(maxRelativeError(expected, reference) <= 1e-8)
    }

    @Test("A range maps to the calibrated ends, lower first, whichever way the map runs")
    func ranges() {
        let increasing = Calibrator.platt(PlattScaling(a: -0.8, b: 0.1))
        let (low, high) = increasing.range(logOdds: -1, 2)
        #expect(low == increasing.probability(logOdds: -1) && high == increasing.probability(logOdds: 2) && low < high)
        let decreasing = Calibrator.platt(PlattScaling(a: 0.8, b: 0.1))
        let ends = decreasing.range(logOdds: -1, 2)
        #expect(ends.low == decreasing.probability(logOdds: 2) && ends.high == decreasing.probability(logOdds: -1))
    }

    @Test("JSON: a method and its fields; both methods round-trip exactly")
    func json() throws {
        let platt = Calibrator.platt(PlattScaling(a: -0.8737798903123, b: 0.0139837016, iterations: 5, converged: true))
        let isotonic = Calibrator.isotonic(IsotonicCalibration(thresholds: [0.1, 0.3], values: [0.05, 0.4]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(isotonic), as: UTF8.self)
            == #"{"method":"isotonic","thresholds":[0.1,0.3],"values":[0.05,0.4]}"#)
        #expect(String(decoding: try encoder.encode(platt), as: UTF8.self)
            == #"{"a":-0.8737798903123,"b":0.0139837016,"converged":true,"iterations":5,"method":"platt"}"#)
        for calibrator in [platt, isotonic] {
            #expect(try JSONDecoder().decode(Calibrator.self, from: encoder.encode(calibrator)) == calibrator)
        }
        let decreasing = Data(#"{"method":"isotonic","thresholds":[0.1,0.3],"values":[0.5,0.4]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Calibrator.self, from: decreasing) }
    }
}
