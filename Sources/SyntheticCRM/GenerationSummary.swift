import Foundation

/// What `CRMGenerator.write(to:overwrite:progress:)` wrote.
public struct GenerationSummary: Sendable, Equatable {
    /// The folder holding the files.
    public let directory: URL
    /// Rows of companies.csv.
    public let companies: Int
    /// Rows of contacts.csv.
    public let contacts: Int
    /// Rows of leads.csv.
    public let leads: Int
    /// Rows of events.csv.
    public let events: Int
    /// Leads closed won.
    public let won: Int
    /// Leads closed lost.
    public let lost: Int
    /// Leads still open at the export's "now" (no outcome).
    public let open: Int
    /// The area under the ROC curve of the true probabilities (truth.csv) against the drawn
    /// outcomes of the closed leads: the best any model can do on this data, up to chance.
    ///
    /// Computed from a 65,536-bin histogram of the probabilities (ties within a bin count
    /// one half), so it may differ from the exact value in the fifth decimal.
    public let trueModelAUC: Double

    /// The share of closed leads that were won, in [0, 1].
    public var wonRate: Double { won + lost == 0 ? 0 : Double(won) / Double(won + lost) }
}

/// How far a `CRMGenerator` run has got.
public struct GenerationProgress: Sendable, Equatable {
    /// Leads written so far.
    public let leadsWritten: Int
    /// Leads the run writes in all.
    public let totalLeads: Int
    /// Events written so far.
    public let eventsWritten: Int
}
