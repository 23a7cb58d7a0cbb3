import Foundation
import LinearAlgebra

/// Why a model could not be fitted.
///
/// Each case names what is wrong in the data (a row, a column, a count) and what to do about
/// it; the CLI adds the file and line where a row number can be traced back to one.
public enum TrainingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Features, labels, weights or names disagree in length.
    case shapeMismatch(String)
    /// A label other than 0 or 1 (row is 0-based).
    case invalidLabel(row: Int, value: Double)
    /// A negative, NaN or infinite sample weight (row is 0-based).
    case invalidWeight(row: Int, value: Double)
    /// A NaN or infinite feature value (row is 0-based).
    case nonFiniteFeature(row: Int, column: String, value: Double)
    /// No rows with a positive weight.
    case noRows
    /// Every row with a positive weight has the same label.
    case singleClass(label: Int, rows: Int)
    /// Columns that take one value only.
    case constantColumns([String], values: [Double])
    /// Without a penalty, fewer rows than parameters (coefficients plus intercept).
    case fewerRowsThanParameters(rows: Int, parameters: Int)
    /// Without a penalty, a column that is an exact linear combination of other columns.
    case collinearColumns(column: String, combination: [(column: String, coefficient: Double)])
    /// Without a penalty, some linear combination of the features separates won from lost
    /// exactly, so the likelihood has no maximum.
    case perfectSeparation
    /// Without a penalty, a combination of features predicts some rows with certainty, so
    /// the maximum-likelihood coefficients are infinite.
    case quasiCompleteSeparation(rows: Int, largestCoefficient: String)
    /// A numerical failure in the linear algebra.
    case numerical(LinearAlgebraError)
    /// The line search could not decrease the objective along a descent direction.
    case lineSearchFailed(iteration: Int, maxAbsGradient: Double)
    /// An invalid setting.
    case invalidSetting(String)
    /// A pass over rows held elsewhere failed (`RowPassRunner`); the text says why.
    case passFailed(String)

    public static func == (lhs: TrainingError, rhs: TrainingError) -> Bool {
        lhs.description == rhs.description
    }

    public var description: String {
        switch self {
        case .shapeMismatch(let detail):
            return detail
        case .invalidLabel(let row, let value):
            return "The label of row \(row + 1) is \(format(value)); labels must be 0 or 1."
        case .invalidWeight(let row, let value):
            return "The weight of row \(row + 1) is \(format(value)); weights must be finite and not negative."
        case .nonFiniteFeature(let row, let column, let value):
            return "Column `\(column)` of row \(row + 1) is \(format(value)); every feature value must be a finite number."
        case .noRows:
            return "There are no rows with a positive weight to fit."
        case .singleClass(let label, let rows):
            let which = label == 1 ? "won (1)" : "lost (0)"
            return "All \(rows) rows have the label \(which); a model needs both won and lost examples."
        case .constantColumns(let names, let values):
            let list = zip(names, values).map { "`\($0)` (always \(format($1)))" }.joined(separator: ", ")
            return "\(names.count == 1 ? "Column" : "Columns") \(list) \(names.count == 1 ? "is" : "are") constant "
                + "and cannot inform the model; remove \(names.count == 1 ? "it" : "them")."
        case .fewerRowsThanParameters(let rows, let parameters):
            return "There are \(rows) rows but \(parameters) parameters to estimate (coefficients and intercept); "
                + "an unpenalized fit needs more rows than parameters. Add rows, drop features, or set an L2 penalty (--l2)."
        case .collinearColumns(let column, let combination):
            let terms = combination.filter { abs($0.coefficient) > 1e-9 }
                .map { "\(format($0.coefficient, digits: 6))·`\($0.column)`" }.joined(separator: " + ")
            return "Column `\(column)` is a linear combination of other columns (\(column) ≈ \(terms.isEmpty ? "constant" : terms) + constant), "
                + "so its coefficient is not identifiable without a penalty. Remove one of these columns or set an L2 penalty (--l2)."
        case .perfectSeparation:
            return "The features separate won from lost perfectly, so the unpenalized maximum-likelihood coefficients are infinite. "
                + "Set an L2 penalty (for example --l2 1), or look for a feature that leaks the outcome."
        case .quasiCompleteSeparation(let rows, let largest):
            return "Quasi-complete separation: \(rows) \(rows == 1 ? "row is" : "rows are") fitted with a probability within 1e-10 "
                + "of \(rows == 1 ? "its" : "their") outcome (largest coefficient on `\(largest)`), so the unpenalized maximum-likelihood "
                + "coefficients are infinite. "
                + "Set an L2 penalty (for example --l2 1), or look for a feature that leaks the outcome."
        case .numerical(let error):
            return error.description
        case .lineSearchFailed(let iteration, let gradient):
            return "The line search failed at iteration \(iteration) with gradient \(format(gradient)); the data may be "
                + "badly scaled. Keep standardization on, or set an L2 penalty (--l2)."
        case .invalidSetting(let detail):
            return detail
        case .passFailed(let detail):
            return "A pass over the rows failed: \(detail)"
        }
    }
}

/// Formats a number for a message: NaN and infinities in words, integers without a fraction,
/// others with `digits` significant digits (17, the default, round-trips exactly).
func format(_ value: Double, digits: Int = 17) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "infinity" : "-infinity" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return digits >= 17 ? "\(value)" : String(format: "%.\(digits)g", value)
}
