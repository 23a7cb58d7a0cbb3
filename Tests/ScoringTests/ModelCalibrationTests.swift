import Foundation
import Scoring
import TestSupport
import Testing
import Training

/// The calibration a model stores: fitted on every held-out lead, measured by cross-fitting
/// the earlier and later halves.
struct ModelCalibrationTests {
    @Test("`after` is each half calibrated by a fit on the other half; `before` is the model's own probabilities")
    func crossFitting() throws {
        // Log-odds of 9 leads oldest first (⌊9/2⌋ = 4 in the earlier half), and their outcomes.
        let eta: [Double] = [-1.2, 0.4, -0.3, 1.1, 0.2, -0.8, 1.5, 0.0, -2.0]
        let y: [Double] = [0, 1, 0, 1, 1, 0, 1, 0, 0]
        for method in Calibrator.Method.allCases {
            let calibration = try ModelCalibration(fitting: method, logOdds: eta, labels: y)
            #expect(calibration.calibrator == (try Calibrator(fitting: method, logOdds: eta, labels: y)))
            let earlier = try Calibrator(fitting: method, logOdds: Array(eta[..<4]), labels: Array(y[..<4]))
            let later = try Calibrator(fitting: method, logOdds: Array(eta[4...]), labels: Array(y[4...]))
            let crossFitted = eta.indices.map { ($0 < 4 ? later : earlier).probability(logOdds: eta[$0]) }
            #expect(calibration.after == CalibrationTable(probabilities: crossFitted, labels: y))
            let before = try #require(CalibrationTable(probabilities: eta.map { 1 / (1 + exp(-$0)) }, labels: y))
            #expect(calibration.before.groups.map(\.wins) == before.groups.map(\.wins))
            #expect(maxRelativeError(calibration.before.groups.map(\.meanPredicted), before.groups.map(\.meanPredicted)) <= 1e-15)
            #expect(abs(calibration.before.expectedCalibrationError - before.expectedCalibrationError) <= 1e-15)
            #expect(calibration.rows == 9 && calibration.wins == 4)
        }
    }
}
