/// What `LinearScorer` computes for a batch of rows, one array per quantity.
///
/// Per-row arrays have `count` entries. The reason arrays are flat: row `i`'s entries are at
/// `i * LinearScorer.reasonCount ..< (i + 1) * LinearScorer.reasonCount`, the strongest
/// first. A slot left empty (fewer than three groups push the row that way) holds group −1 and
/// contribution 0.
public struct LinearScores: Equatable, Sendable {
    /// The number of rows scored.
    public internal(set) var count: Int
    /// The number of feature groups.
    public let groupCount: Int
    /// The linear predictor `η = b + x·β` (the log-odds of a win).
    public internal(set) var linearPredictor: [Double]
    /// The probability of a win, `1 / (1 + exp(−η))`.
    public internal(set) var probability: [Double]
    /// The standard error of `η` by the delta method, `√(x̃ᵀΣx̃)` with `x̃ = (1, x)`.
    public internal(set) var standardError: [Double]
    /// The lower end of the 90% range of the probability, `σ(η − 1.645·se)`.
    public internal(set) var low: [Double]
    /// The upper end of the 90% range of the probability, `σ(η + 1.645·se)`.
    public internal(set) var high: [Double]
    /// Each group's contribution to `η` against the average training lead,
    /// `c_g = Σ_{j∈g} βⱼ(xⱼ − μⱼ)`, `count × groupCount` row by row; `nil` unless requested.
    public internal(set) var contributions: [Double]?
    /// The groups with the largest positive contributions (strictly above 0), 3 per row.
    public internal(set) var topPositiveGroups: [Int32]
    /// Their contributions.
    public internal(set) var topPositiveContributions: [Double]
    /// The groups with the most negative contributions (strictly below 0), 3 per row.
    public internal(set) var topNegativeGroups: [Int32]
    /// Their contributions.
    public internal(set) var topNegativeContributions: [Double]

    /// Empty scores with room for `capacity` rows.
    init(groupCount: Int, capacity: Int, includeContributions: Bool) {
        count = 0
        self.groupCount = groupCount
        func reserved<T>(_ n: Int) -> [T] {
            var a: [T] = []
            a.reserveCapacity(n)
            return a
        }
        linearPredictor = reserved(capacity)
        probability = reserved(capacity)
        standardError = reserved(capacity)
        low = reserved(capacity)
        high = reserved(capacity)
        contributions = includeContributions ? reserved(capacity * groupCount) : nil
        let k = LinearScorer.reasonCount
        topPositiveGroups = reserved(capacity * k)
        topPositiveContributions = reserved(capacity * k)
        topNegativeGroups = reserved(capacity * k)
        topNegativeContributions = reserved(capacity * k)
    }

    /// Appends another batch's rows after these.
    mutating func append(_ other: LinearScores) {
        count += other.count
        linearPredictor += other.linearPredictor
        probability += other.probability
        standardError += other.standardError
        low += other.low
        high += other.high
        if let more = other.contributions { contributions? += more }
        topPositiveGroups += other.topPositiveGroups
        topPositiveContributions += other.topPositiveContributions
        topNegativeGroups += other.topNegativeGroups
        topNegativeContributions += other.topNegativeContributions
    }

    /// Row `row`'s reasons: the groups pushing its score up and down, strongest first, with
    /// their contributions; empty slots left out.
    public func reasons(forRow row: Int) -> (positive: [(group: Int, contribution: Double)],
                                             negative: [(group: Int, contribution: Double)]) {
        precondition(row >= 0 && row < count, "Row \(row) is outside 0..<\(count).")
        let slots = (row * LinearScorer.reasonCount)..<((row + 1) * LinearScorer.reasonCount)
        return (slots.filter { topPositiveGroups[$0] >= 0 }.map { (Int(topPositiveGroups[$0]), topPositiveContributions[$0]) },
                slots.filter { topNegativeGroups[$0] >= 0 }.map { (Int(topNegativeGroups[$0]), topNegativeContributions[$0]) })
    }
}
