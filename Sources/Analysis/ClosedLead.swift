/// One closed SQL as the source analysis sees it: where it came from, who worked it, how it
/// ended, what it booked and cost, and what a model predicted for it.
public struct ClosedLead: Equatable, Sendable {
    /// The lead source; `nil` when the export leaves it empty.
    public var source: String?
    /// The owning rep; `nil` when empty or the spec maps no owner.
    public var rep: String?
    /// Whether the deal was won (else lost).
    public var won: Bool
    /// The revenue a won deal booked (`won_amount`, else `amount`); `nil` for a lost deal or
    /// when neither is known.
    public var revenue: Double?
    /// What acquiring the lead cost; `nil` when unknown.
    public var cost: Double?
    /// A model's probability as of the lead's training cut-off, when a model is given.
    public var probability: Double?
    /// Whether the model was fitted on this lead or it was held out, when a model is given.
    public var sample: ModelSample?

    public init(source: String?, rep: String?, won: Bool, revenue: Double? = nil, cost: Double? = nil,
                probability: Double? = nil, sample: ModelSample? = nil) {
        self.source = source
        self.rep = rep
        self.won = won
        self.revenue = revenue
        self.cost = cost
        self.probability = probability
        self.sample = sample
    }
}

/// Which of a model's closed leads it was fitted on.
public enum ModelSample: String, Codable, CaseIterable, Sendable {
    /// Closed after the leads the model was fitted on (its validation, or later data): its
    /// predictions are honest forecasts.
    case heldOut = "held-out"
    /// Among the leads the model was fitted on: a group that is a feature of the model (one-hot
    /// source or rep) matches its predicted total closely by construction.
    case training
}

/// Above or below what was expected.
public enum Deviation: String, Codable, Sendable {
    case higher, lower
}
