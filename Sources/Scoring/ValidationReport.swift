import Training

/// How the model did on the most recently closed leads, held out of the fit: the time-based
/// validation a model's card reports.
public struct ValidationReport: Codable, Equatable, Sendable {
    /// The number of held-out leads.
    public let rows: Int
    /// How many of them were won.
    public let wins: Int
    /// The earliest and latest close date among them (ISO 8601), when known.
    public let closedFrom: String?
    public let closedTo: String?
    /// AUC, log-loss and Brier score; `nil` when the held-out leads are all won or all lost.
    public let metrics: ClassificationMetrics?

    public init(rows: Int, wins: Int, closedFrom: String?, closedTo: String?, metrics: ClassificationMetrics?) {
        self.rows = rows
        self.wins = wins
        self.closedFrom = closedFrom
        self.closedTo = closedTo
        self.metrics = metrics
    }
}
