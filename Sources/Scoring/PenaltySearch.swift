import Foundation

/// How `--l2 auto` picks the L2 penalty: time-ordered cross-validation on the training part.
///
/// The training leads, oldest close first, are cut into `folds + 1` consecutive blocks of
/// (nearly) equal size. Fold k (1…`folds`) fits the encodings and the model on blocks 0…k−1
/// and scores block k, so every fold predicts leads that closed after the ones it learned
/// from, as the model will in use. Each candidate's score is its log-loss over all scored
/// blocks (each lead counting once); the candidate with the lowest wins, the larger penalty on
/// a tie. Columns constant on a fold's leads are left out of that fold's fit (with a penalty
/// their best coefficient is 0). A fold whose leads are all won or all lost, or whose
/// encodings cannot be fitted, is left out for every candidate; a candidate whose fit fails in
/// a fold scores +∞.
public struct PenaltySearch: Codable, Equatable, Sendable {
    /// The default candidates: 10⁻² … 10³ in half decades.
    public static let defaultCandidates: [Double] = (-4...6).map { pow(10, Double($0) / 2) }

    /// The penalties tried, each > 0.
    public var candidates: [Double]
    /// The number of folds; default 5.
    public var folds: Int

    public init(candidates: [Double] = PenaltySearch.defaultCandidates, folds: Int = 5) {
        precondition(!candidates.isEmpty && candidates.allSatisfy { $0 > 0 && $0.isFinite }, "Candidates must be finite and > 0.")
        precondition(folds >= 1, "Need at least one fold.")
        self.candidates = candidates
        self.folds = folds
    }

    /// The consecutive blocks of `count` ordered items: `folds + 1` ranges as equal as possible.
    func blocks(count: Int) -> [Range<Int>] {
        let parts = folds + 1
        return (0..<parts).map { k in (k * count / parts)..<((k + 1) * count / parts) }
    }
}

/// What the penalty search found.
public struct PenaltySearchResult: Codable, Equatable, Sendable {
    /// One candidate's cross-validated score.
    public struct Candidate: Codable, Equatable, Sendable {
        /// The penalty λ.
        public let l2: Double
        /// The mean log-loss over the scored leads of every fold kept (+∞ when a fit failed).
        public let logLoss: Double

        public init(l2: Double, logLoss: Double) {
            self.l2 = l2
            self.logLoss = logLoss
        }

        enum CodingKeys: String, CodingKey { case l2, logLoss }

        // JSON has no infinity: a failed candidate is written as null.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            l2 = try container.decode(Double.self, forKey: .l2)
            logLoss = try container.decodeIfPresent(Double.self, forKey: .logLoss) ?? .infinity
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(l2, forKey: .l2)
            if logLoss.isFinite { try container.encode(logLoss, forKey: .logLoss) } else { try container.encodeNil(forKey: .logLoss) }
        }
    }

    /// The folds that were scored (of those asked for).
    public let foldsUsed: Int
    /// The leads scored over all folds kept.
    public let scoredRows: Int
    /// Every candidate, in the order tried.
    public let candidates: [Candidate]
    /// The chosen penalty.
    public let chosen: Double

    public init(foldsUsed: Int, scoredRows: Int, candidates: [Candidate], chosen: Double) {
        self.foldsUsed = foldsUsed
        self.scoredRows = scoredRows
        self.candidates = candidates
        self.chosen = chosen
    }
}
