/// Why training on a CRM export was refused before fitting.
public enum CRMTrainingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Fewer won or lost closed leads than the floor.
    case tooFewExamples(won: Int, lost: Int, heldOut: Int, minimum: Int, file: String, wonValues: [String], lostValues: [String])
    /// `--l2 auto` found no fold it could fit and score.
    case penaltySearchFailed(folds: Int, rows: Int)
    /// Calibration was asked for with fewer than two held-out leads to fit and measure it on.
    case tooFewToCalibrate(heldOut: Int)

    public var description: String {
        switch self {
        case .tooFewExamples(let won, let lost, let heldOut, let minimum, let file, let wonValues, let lostValues):
            let fitted = heldOut > 0 ? " to fit on (besides the \(heldOut) most recently closed, held out)" : ""
            return "\(file) has \(won) won and \(lost) lost closed leads\(fitted); training needs at least \(minimum) of each "
                + "(won: \(wonValues.joined(separator: ", ")); lost: \(lostValues.joined(separator: ", "))). "
                + "Add more history, check the label values in the spec, or lower the floor with --min-class-count."
        case .penaltySearchFailed(let folds, let rows):
            return "--l2 auto could not fit and score any of its \(folds) time-ordered folds of \(rows) training leads "
                + "(each fold needs won and lost leads to fit on). Give a fixed penalty with --l2 λ, or add history."
        case .tooFewToCalibrate(let heldOut):
            return "Calibration is fitted on the held-out leads, and \(heldOut) held out \(heldOut == 1 ? "is" : "are") too few "
                + "(it needs at least 2). Hold out more of the closed leads with --holdout, or train without --calibration."
        }
    }
}
