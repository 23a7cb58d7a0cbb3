import Foundation

/// One sign that a column or feature may leak the outcome, with what was seen and what to do.
public struct LeakageWarning: Codable, Equatable, Sendable, CustomStringConvertible {
    /// What was seen.
    public enum Kind: String, Codable, Sendable {
        /// A column is filled much more (or less) often for closed leads than for open ones.
        case fillRate
        /// A column's values are distributed differently among closed and open leads.
        case distribution
        /// A single feature separates won from lost leads almost perfectly.
        case separation
    }

    /// What was seen.
    public let kind: Kind
    /// The column (for `.fillRate` and `.distribution`) or feature (for `.separation`).
    public let subject: String
    /// How suspicious, in [0, 1], the rank in the report: the larger of the fill-rate gap and the
    /// divergence for a column, `2 · AUC − 1` (the Gini coefficient) for a feature.
    public let score: Double
    /// A sentence saying what was seen and what to do.
    public let message: String

    /// A warning with the given fields.
    public init(kind: Kind, subject: String, score: Double, message: String) {
        self.kind = kind
        self.subject = subject
        self.score = score
        self.message = message
    }

    /// The warning about a column whose fill rate differs between closed and open leads.
    init(fillRateOf drift: ColumnDrift) {
        self.init(
            kind: .fillRate, subject: drift.column, score: max(drift.fillRateGap, drift.divergence),
            message: "Column `\(drift.column)` is filled for \(percent(drift.closedFillRate)) of closed leads "
                + "but \(percent(drift.openFillRate)) of open leads. A column filled in when a deal closes "
                + "leaks the outcome into training: if this one is, list it under outcome_time in the spec.")
    }

    /// The warning about a column distributed differently among closed and open leads.
    init(distributionOf drift: ColumnDrift) {
        self.init(
            kind: .distribution, subject: drift.column, score: max(drift.fillRateGap, drift.divergence),
            message: "Column `\(drift.column)` is distributed differently among closed and open leads "
                + "(Jensen-Shannon divergence \(String(format: "%.2f", drift.divergence))). If its value is set or "
                + "changed when a deal closes, list it under outcome_time in the spec; if open leads only differ "
                + "in age or source, nothing needs to change.")
    }

    /// The warning about a feature that alone separates won from lost leads.
    init(separationOf feature: String, auc: Double) {
        self.init(
            kind: .separation, subject: feature, score: 2 * auc - 1,
            message: "Feature `\(feature)` alone separates won from lost leads (AUC \(String(format: "%.2f", auc))). "
                + "Signals this strong are rarely known before the outcome: check what it is computed from, "
                + "and list any column recorded at or after the close under outcome_time in the spec.")
    }

    /// The message.
    public var description: String { message }
}

/// A fraction as a whole percentage, never rounding a non-zero fraction to 0% or a fraction
/// below one to 100%.
private func percent(_ fraction: Double) -> String {
    var value = (fraction * 100).rounded()
    if value == 0 && fraction > 0 { value = 1 }
    if value == 100 && fraction < 1 { value = 99 }
    return "\(Int(value))%"
}
