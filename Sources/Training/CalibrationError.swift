/// Why a calibrator could not be fitted.
public enum CalibrationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The predictions, labels and weights differ in length.
    case lengthMismatch(predictions: Int, labels: Int, weights: Int?)
    /// No row has a positive weight.
    case noRows
    /// A prediction that is NaN or infinite, or a probability outside [0, 1] (row is 0-based).
    case invalidPrediction(row: Int, value: Double)
    /// A label other than 0 or 1 (row is 0-based).
    case invalidLabel(row: Int, value: Double)
    /// A negative, NaN or infinite weight (row is 0-based).
    case invalidWeight(row: Int, value: Double)

    public var description: String {
        switch self {
        case .lengthMismatch(let predictions, let labels, let weights):
            let weightText = weights.map { ", \($0) weights" } ?? ""
            return "Calibration needs one label (and weight) per prediction; got \(predictions) predictions, "
                + "\(labels) labels\(weightText)."
        case .noRows:
            return "Calibration needs at least one row with a positive weight; there is none. Hold out more leads (--holdout)."
        case .invalidPrediction(let row, let value):
            return "The prediction of row \(row + 1) is \(value); calibration needs finite log-odds and probabilities in [0, 1]."
        case .invalidLabel(let row, let value):
            return "The label of row \(row + 1) is \(value); labels must be 0 or 1."
        case .invalidWeight(let row, let value):
            return "The weight of row \(row + 1) is \(value); weights must be finite and not negative."
        }
    }

    /// Checks the shared preconditions of every calibrator's fit.
    static func check(predictions: [Double], labels: [Double], weights: [Double]?,
                      isValid: (Double) -> Bool) throws(CalibrationError) {
        guard predictions.count == labels.count, weights.map({ $0.count == labels.count }) ?? true else {
            throw .lengthMismatch(predictions: predictions.count, labels: labels.count, weights: weights?.count)
        }
        for (row, value) in predictions.enumerated() where !isValid(value) { throw .invalidPrediction(row: row, value: value) }
        for (row, value) in labels.enumerated() where value != 0 && value != 1 { throw .invalidLabel(row: row, value: value) }
        if let weights {
            for (row, value) in weights.enumerated() where !(value.isFinite && value >= 0) {
                throw .invalidWeight(row: row, value: value)
            }
        }
        guard (0..<labels.count).contains(where: { (weights?[$0] ?? 1) > 0 }) else { throw .noRows }
    }
}
