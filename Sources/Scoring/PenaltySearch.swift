import Foundation
import Training

/// How `--l2 auto` and `--lambda auto` pick the penalty: time-ordered cross-validation on the
/// training part.
///
/// The training leads, oldest close first, are cut into `folds + 1` consecutive blocks of
/// (nearly) equal size. Fold k (1…`folds`) fits the encodings and the model on blocks 0…k−1
/// and scores block k, so every fold predicts leads that closed after the ones it learned
/// from, as the model will in use. Each candidate's score is its log-loss over all scored
/// blocks (each lead counting once); the candidate with the lowest wins, the larger penalty on
/// a tie. With `oneStandardError`, the largest penalty whose score is within one standard
/// error of the lowest wins instead (the standard error of the folds' mean log-losses, as
/// glmnet's `lambda.1se`). Columns constant on a fold's leads are left out of that fold's fit
/// (with a penalty their best coefficient is 0). A fold whose leads are all won or all lost,
/// or whose encodings cannot be fitted, is left out for every candidate; a candidate whose fit
/// fails in a fold scores +∞.
///
/// For the L2 penalty the candidates are fixed (`candidates`). For the elastic net they are a
/// regularization path (`RegularizationPath`) of `pathLength` penalties from the `λ_max` of
/// the whole training part down to `pathMinimumRatio·λ_max`, fitted in each fold with warm
/// starts.
public struct PenaltySearch: Codable, Equatable, Sendable {
    /// The default L2 candidates: 10⁻² … 10³ in half decades.
    public static let defaultCandidates: [Double] = (-4...6).map { pow(10, Double($0) / 2) }

    /// The L2 penalties tried, each > 0.
    public var candidates: [Double]
    /// The number of folds; default 5.
    public var folds: Int
    /// Pick the largest penalty within one standard error of the best; default false.
    public var oneStandardError: Bool = false
    /// Elastic net: the penalties on the path; default 100.
    public var pathLength: Int = 100
    /// Elastic net: the bottom of the path as a fraction of `λ_max`; default 1e-3.
    public var pathMinimumRatio: Double = 1e-3

    public init(candidates: [Double] = PenaltySearch.defaultCandidates, folds: Int = 5, oneStandardError: Bool = false) {
        precondition(!candidates.isEmpty && candidates.allSatisfy { $0 > 0 && $0.isFinite }, "Candidates must be finite and > 0.")
        precondition(folds >= 1, "Need at least one fold.")
        self.candidates = candidates
        self.folds = folds
        self.oneStandardError = oneStandardError
    }

    /// The consecutive blocks of `count` ordered items: `folds + 1` ranges as equal as possible.
    func blocks(count: Int) -> [Range<Int>] {
        let parts = folds + 1
        return (0..<parts).map { k in (k * count / parts)..<((k + 1) * count / parts) }
    }

    /// The chosen candidate's index: the lowest log-loss (the larger penalty on a tie) or, with
    /// `oneStandardError`, the largest penalty within one standard error of it.
    func choose(_ candidates: [PenaltySearchResult.Candidate]) -> Int {
        let best = candidates.indices.min { a, b in
            let (x, y) = (candidates[a], candidates[b])
            return x.logLoss < y.logLoss || (x.logLoss == y.logLoss && x.l2 > y.l2)
        }!
        guard oneStandardError, let se = candidates[best].standardError else { return best }
        let limit = candidates[best].logLoss + se
        return candidates.indices.filter { candidates[$0].logLoss <= limit }.max { candidates[$0].l2 < candidates[$1].l2 }!
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
        /// The standard error of the folds' mean log-losses around `logLoss` (weighted by the
        /// leads each fold scored), when at least two folds were scored and every fit succeeded.
        public let standardError: Double?
        /// Elastic net: the non-zero coefficients of the path's fit at this penalty on the
        /// whole training part.
        public let nonzeroCount: Int?

        public init(l2: Double, logLoss: Double, standardError: Double? = nil, nonzeroCount: Int? = nil) {
            self.l2 = l2
            self.logLoss = logLoss
            self.standardError = standardError
            self.nonzeroCount = nonzeroCount
        }

        enum CodingKeys: String, CodingKey { case l2, logLoss, standardError, nonzeroCount }

        // JSON has no infinity: a failed candidate is written as null.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            l2 = try container.decode(Double.self, forKey: .l2)
            logLoss = try container.decodeIfPresent(Double.self, forKey: .logLoss) ?? .infinity
            standardError = try container.decodeIfPresent(Double.self, forKey: .standardError)
            nonzeroCount = try container.decodeIfPresent(Int.self, forKey: .nonzeroCount)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(l2, forKey: .l2)
            if logLoss.isFinite { try container.encode(logLoss, forKey: .logLoss) } else { try container.encodeNil(forKey: .logLoss) }
            // Written only when set, so that models from before keep their bytes.
            try container.encodeIfPresent(standardError, forKey: .standardError)
            try container.encodeIfPresent(nonzeroCount, forKey: .nonzeroCount)
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
    /// Whether the one-standard-error rule chose it (absent: the lowest log-loss did).
    public let oneStandardError: Bool?
    /// Elastic net: the mixing `α` of the path searched (absent for the L2 grid).
    public let l1Ratio: Double?

    public init(foldsUsed: Int, scoredRows: Int, candidates: [Candidate], chosen: Double,
                oneStandardError: Bool? = nil, l1Ratio: Double? = nil) {
        self.foldsUsed = foldsUsed
        self.scoredRows = scoredRows
        self.candidates = candidates
        self.chosen = chosen
        self.oneStandardError = oneStandardError
        self.l1Ratio = l1Ratio
    }
}
