import LinearAlgebra

/// Why a `LinearScorer` could not be built from a fit and a grouping of its columns.
public enum LinearScorerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The fit's coefficients, centers and covariance disagree in size.
    case inconsistentFit(coefficients: Int, centers: Int, covarianceEntries: Int)
    /// The groups do not cut the columns into consecutive runs: group `group` (0-based)
    /// starts at `start` where `expected` was due.
    case groupNotContiguous(group: Int, start: Int, expected: Int)
    /// The groups end at column `covered` but the model has `columns` columns.
    case groupsDoNotCoverColumns(covered: Int, columns: Int)
    /// The covariance could not be factored.
    case covariance(LinearAlgebraError)

    public var description: String {
        switch self {
        case .inconsistentFit(let coefficients, let centers, let entries):
            return "The fit is inconsistent: \(coefficients) coefficients, \(centers) centers and \(entries) covariance "
                + "entries (expected \((coefficients + 1) * (coefficients + 1))). The model file is damaged; train it again."
        case .groupNotContiguous(let group, let start, let expected):
            return "Feature group \(group + 1) starts at column \(start + 1), but column \(expected + 1) is next: "
                + "the groups must cover the model's columns in order, without gaps or overlaps."
        case .groupsDoNotCoverColumns(let covered, let columns):
            return "The feature groups cover \(covered) of the model's \(columns) columns; every column must belong to one group."
        case .covariance(let error):
            return "The coefficient covariance cannot be used for ranges: \(error)"
        }
    }
}
