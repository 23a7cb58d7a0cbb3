import Training

/// A model's calibration: the map from its probability to the calibrated one, fitted on the
/// held-out leads, and how well calibrated those leads' probabilities are before and after.
///
/// The calibrator is fitted on every held-out lead. Measuring it on those same leads would
/// flatter it (isotonic regression in particular fits them closely), so `after` is
/// cross-fitted: the held-out leads, oldest close first, are cut into an earlier and a later
/// half (`⌊n/2⌋` and the rest); a calibrator fitted on the earlier half calibrates the later
/// half and one fitted on the later half the earlier half, and `after` is the calibration
/// table of those probabilities. `before` is the table of the model's own probabilities of the
/// same leads.
///
///     let calibration = try ModelCalibration(fitting: .isotonic, logOdds: eta, labels: outcomes)
///     print(calibration.before.expectedCalibrationError, calibration.after.expectedCalibrationError)
public struct ModelCalibration: Codable, Equatable, Sendable {
    /// The map applied to every probability the model gives.
    public let calibrator: Calibrator
    /// The number of held-out leads it was fitted on.
    public let rows: Int
    /// How many of them were won.
    public let wins: Int
    /// The calibration table of the model's own probabilities of those leads.
    public let before: CalibrationTable
    /// The calibration table of their cross-fitted calibrated probabilities.
    public let after: CalibrationTable

    /// Fits the calibrator on all the leads and measures it by cross-fitting.
    ///
    /// - Parameters:
    ///   - method: Platt scaling or isotonic regression.
    ///   - logOdds: The model's log-odds of the held-out leads, oldest close first; at least 2.
    ///   - labels: Their outcomes, 0 or 1.
    /// - Throws: `CalibrationError` for bad input.
    /// - Complexity: O(n log n).
    public init(fitting method: Calibrator.Method, logOdds: [Double], labels: [Double]) throws(CalibrationError) {
        precondition(logOdds.count >= 2, "Cross-fitting needs at least two leads.")
        calibrator = try Calibrator(fitting: method, logOdds: logOdds, labels: labels)
        let half = logOdds.count / 2
        let earlier = try Calibrator(fitting: method, logOdds: Array(logOdds[..<half]), labels: Array(labels[..<half]))
        let later = try Calibrator(fitting: method, logOdds: Array(logOdds[half...]), labels: Array(labels[half...]))
        let crossFitted = logOdds.indices.map { i in
            (i < half ? later : earlier).probability(logOdds: logOdds[i])
        }
        rows = labels.count
        wins = Int(labels.reduce(0, +))
        before = CalibrationTable(probabilities: logOdds.map { LogisticLoss.probability(eta: $0) }, labels: labels)!
        after = CalibrationTable(probabilities: crossFitted, labels: labels)!
    }
}
