import Foundation
import LinearAlgebra
import Scoring
import TestSupport
import Testing

@testable import Training

/// A fit with the given parameters; the statistics the scorer does not read are placeholders.
func makeFit(intercept: Double, coefficients: [Double], covariance: [Double], centers: [Double]) -> LogisticRegressionFit {
    LogisticRegressionFit(
        featureNames: coefficients.indices.map { "x\($0)" }, intercept: intercept, coefficients: coefficients,
        covariance: covariance, settings: LogisticRegression(), centers: centers,
        standardDeviations: Array(repeating: 1, count: coefficients.count), observationCount: 100, weightSum: 100,
        positiveRate: 0.3, objective: 0, logLikelihood: 0, nullLogLikelihood: 0, iterations: 0, converged: true,
        maxAbsGradient: 0, newtonDecrement: 0)
}

/// The scoring kernel against numpy (`scripts/make_scoring_fixtures.py`) and closed forms.
struct LinearScorerTests {
    struct Fixture: Decodable {
        let intercept: Double
        let coefficients, covariance, centers: [Double]
        let groups: [[Int]]
        let rows: Int
        let features: [Double]
        let linearPredictor, probability, standardError, low, high, contributions: [Double]
        let topPositiveGroups, topNegativeGroups: [Int32]
        let topPositiveContributions, topNegativeContributions: [Double]

        var fit: LogisticRegressionFit {
            makeFit(intercept: intercept, coefficients: coefficients, covariance: covariance, centers: centers)
        }
        var ranges: [Range<Int>] { groups.map { $0[0]..<$0[1] } }
        var matrix: Matrix { Matrix(rows: rows, columns: coefficients.count, elements: features) }
    }

    static let fixture: Fixture = {
        let url = fixturesDirectory.appendingPathComponent("scoring/linear_scorer.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// `|a − b| ≤ tolerance·|b|`, for probabilities that may be tiny.
    func closeRelative(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * abs($1) }
    }

    @Test("η, p, se, the range, contributions and reasons match numpy", arguments: [1, 2, 3])
    func matchesNumpy(threads: Int) throws {
        let f = Self.fixture
        let scorer = try LinearScorer(fit: f.fit, groups: f.ranges)
        #expect(scorer.covarianceFactorization == .cholesky)
        let s = scorer.score(f.matrix, threads: threads, includeContributions: true)
        #expect(s.count == f.rows && s.groupCount == f.groups.count)
        #expect(maxRelativeError(s.linearPredictor, f.linearPredictor) <= 1e-12)
        #expect(closeRelative(s.probability, f.probability, 1e-12))
        #expect(closeRelative(s.standardError, f.standardError, 1e-12))
        #expect(closeRelative(s.low, f.low, 1e-12))
        #expect(closeRelative(s.high, f.high, 1e-12))
        #expect(maxRelativeError(try #require(s.contributions), f.contributions) <= 1e-12)
        #expect(s.topPositiveGroups == f.topPositiveGroups)
        #expect(s.topNegativeGroups == f.topNegativeGroups)
        #expect(maxRelativeError(s.topPositiveContributions, f.topPositiveContributions) <= 1e-12)
        #expect(maxRelativeError(s.topNegativeContributions, f.topNegativeContributions) <= 1e-12)
        // The fixture's extreme rows reach probabilities of exactly 0 and 1 without NaN.
        #expect(s.probability.contains(0) && s.probability.contains(1))
        #expect(!s.probability.contains { $0.isNaN } && !s.low.contains { $0.isNaN } && !s.high.contains { $0.isNaN })
    }

    @Test("A fit without covariance scores the same η, p and reasons, with NaN standard errors and ranges")
    func withoutCovariance() throws {
        let f = Self.fixture
        let full = try LinearScorer(fit: f.fit, groups: f.ranges).score(f.matrix, threads: 2)
        let scorer = try LinearScorer(fit: makeFit(intercept: f.intercept, coefficients: f.coefficients, covariance: [],
                                                   centers: f.centers), groups: f.ranges)
        #expect(!scorer.hasRanges && scorer.covarianceFactorization == nil)
        let s = scorer.score(f.matrix, threads: 2)
        #expect(s.linearPredictor == full.linearPredictor && s.probability == full.probability)
        #expect(s.topPositiveGroups == full.topPositiveGroups && s.topNegativeContributions == full.topNegativeContributions)
        #expect(s.standardError.allSatisfy(\.isNaN) && s.low.allSatisfy(\.isNaN) && s.high.allSatisfy(\.isNaN))
    }

    @Test("Any thread count gives the same bits")
    func threadInvariance() throws {
        let f = Self.fixture
        let scorer = try LinearScorer(fit: f.fit, groups: f.ranges)
        let one = scorer.score(f.matrix, threads: 1, includeContributions: true)
        for threads in [2, 3, 4, 7] {
            #expect(scorer.score(f.matrix, threads: threads, includeContributions: true) == one)
        }
        #expect(scorer.score(f.matrix).contributions == nil)
    }

    @Test("A row at the centers has no contributions and η = b + μ·β, se² = (1, μ)ᵀΣ(1, μ)")
    func averageLead() throws {
        let f = Self.fixture
        let scorer = try LinearScorer(fit: f.fit, groups: f.ranges)
        let s = scorer.score(Matrix(rows: 1, columns: f.centers.count, elements: f.centers), includeContributions: true)
        #expect(s.contributions! == Array(repeating: 0, count: f.groups.count))
        #expect(s.topPositiveGroups == [-1, -1, -1] && s.topNegativeGroups == [-1, -1, -1])
        #expect(s.topPositiveContributions == [0, 0, 0] && s.topNegativeContributions == [0, 0, 0])
        let m = f.centers.count + 1
        let x = [1] + f.centers
        var variance = 0.0
        for i in 0..<m {
            for j in 0..<m { variance += x[i] * f.covariance[i * m + j] * x[j] }
        }
        #expect(relativeError(s.linearPredictor[0], f.intercept + zip(f.centers, f.coefficients).reduce(0) { $0 + $1.0 * $1.1 }) <= 1e-14)
        #expect(relativeError(s.standardError[0], variance.squareRoot()) <= 1e-13)
    }

    @Test("A diagonal covariance gives se² = Σ₀₀ + Σⱼ Σⱼⱼ xⱼ²")
    func diagonalCovariance() throws {
        let diagonal = [0.04, 0.01, 0.25, 0.09]
        var covariance = [Double](repeating: 0, count: 16)
        for i in 0..<4 { covariance[i * 5] = diagonal[i] }
        let fit = makeFit(intercept: 0.2, coefficients: [0.5, -1, 2], covariance: covariance, centers: [10, -3, 0.5])
        let scorer = try LinearScorer(fit: fit, groups: [0..<2, 2..<3])
        let rows = Matrix(rowArrays: [[11, -3, 0.5], [0, 0, 0], [12, -5, -1.5]])
        let s = scorer.score(rows, includeContributions: true)
        for i in 0..<3 {
            let x = (0..<3).map { rows[i, $0] }
            let se = (0.04 + 0.01 * x[0] * x[0] + 0.25 * x[1] * x[1] + 0.09 * x[2] * x[2]).squareRoot()
            #expect(relativeError(s.standardError[i], se) <= 1e-14)
            let eta = 0.2 + 0.5 * x[0] - x[1] + 2 * x[2]
            #expect(abs(s.linearPredictor[i] - eta) <= 1e-14 * max(1, abs(eta)))
            #expect(abs(s.low[i] - 1 / (1 + exp(-(eta - 1.6448536269514722 * se)))) <= 1e-15)
            #expect(abs(s.high[i] - 1 / (1 + exp(-(eta + 1.6448536269514722 * se)))) <= 1e-15)
        }
        // Row 2: group 0 is 0.5·2 − (−2) = 3, group 1 is 2·(−2) = −4.
        #expect(s.contributions![4] == 3 && s.contributions![5] == -4)
        #expect(s.topPositiveGroups[6..<9] == [0, -1, -1] && s.topNegativeGroups[6..<9] == [1, -1, -1])
        #expect(s.reasons(forRow: 2).positive.map(\.group) == [0] && s.reasons(forRow: 2).negative.map(\.contribution) == [-4])
    }

    @Test("Tied contributions keep the lower group first; at most three each way")
    func tiesInReasons() throws {
        // Six one-column groups, all centers 0, β = (1, 2, 1, −1, 2, −1) against x = 1: contributions
        // 1, 2, 1, −1, 2, −1, then a seventh column with β = 1 and x = 1.
        let beta: [Double] = [1, 2, 1, -1, 2, -1, 1]
        let fit = makeFit(intercept: 0, coefficients: beta, covariance: Matrix.identity(8).elements,
                          centers: Array(repeating: 0, count: 7))
        let s = try LinearScorer(fit: fit).score(Matrix(rows: 1, columns: 7, repeating: 1))
        #expect(s.topPositiveGroups == [1, 4, 0])
        #expect(s.topPositiveContributions == [2, 2, 1])
        #expect(s.topNegativeGroups == [3, 5, -1])
        #expect(s.topNegativeContributions == [-1, -1, 0])
    }

    @Test("Large |η| gives probabilities of 0 and 1 without NaN, and keeps tiny ones accurate")
    func largeLinearPredictors() throws {
        let fit = makeFit(intercept: 0, coefficients: [1], covariance: [1e-4, 0, 0, 1e-4], centers: [0])
        let s = try LinearScorer(fit: fit).score(Matrix(rowArrays: [[-1000], [1000], [-30], [40]]))
        #expect(s.probability[0] == 0 && s.probability[1] == 1)
        #expect(s.low[0] == 0 && s.high[0] == 0 && s.low[1] == 1 && s.high[1] == 1)
        #expect(abs(s.probability[2] / (exp(-30) / (1 + exp(-30))) - 1) <= 1e-14)
        #expect(s.low[2] < s.probability[2] && s.probability[2] < s.high[2])
        #expect(s.standardError[1] > 9.9 && s.standardError[1] < 10.1)
        #expect(s.probability[3] == 1 && s.low[3] <= 1)
    }

    @Test("A singular covariance falls back to the eigen factor and still gives x̃ᵀΣx̃")
    func singularCovariance() throws {
        // Σ = vvᵀ with v = (0.1, 0.2, −0.3): rank one, se = |v·x̃|.
        let v = [0.1, 0.2, -0.3]
        let covariance = (0..<9).map { v[$0 / 3] * v[$0 % 3] }
        let fit = makeFit(intercept: 0.1, coefficients: [1, -1], covariance: covariance, centers: [5, 7])
        let scorer = try LinearScorer(fit: fit, groups: [0..<2])
        #expect(scorer.covarianceFactorization == .eigen)
        let s = scorer.score(Matrix(rowArrays: [[1, 2], [5, 7], [-3, 0.5]]))
        for (i, x) in [[1.0, 2], [5, 7], [-3, 0.5]].enumerated() {
            #expect(abs(s.standardError[i] - abs(0.1 + 0.2 * x[0] - 0.3 * x[1])) <= 1e-13)
        }
    }

    @Test("Groups must cover the columns in order; an inconsistent fit is rejected")
    func invalidGroups() {
        let fit = makeFit(intercept: 0, coefficients: [1, 2, 3], covariance: Matrix.identity(4).elements, centers: [0, 0, 0])
        #expect(throws: LinearScorerError.groupNotContiguous(group: 1, start: 2, expected: 1)) {
            try LinearScorer(fit: fit, groups: [0..<1, 2..<3])
        }
        #expect(throws: LinearScorerError.groupsDoNotCoverColumns(covered: 2, columns: 3)) {
            try LinearScorer(fit: fit, groups: [0..<1, 1..<2])
        }
        #expect(LinearScorerError.groupsDoNotCoverColumns(covered: 2, columns: 3).description
                == "The feature groups cover 2 of the model's 3 columns; every column must belong to one group.")
        let broken = makeFit(intercept: 0, coefficients: [1, 2], covariance: [1], centers: [0, 0])
        #expect(throws: LinearScorerError.inconsistentFit(coefficients: 2, centers: 2, covarianceEntries: 1)) {
            try LinearScorer(fit: broken)
        }
        let nonFinite = makeFit(intercept: 0, coefficients: [1], covariance: [1, .nan, .nan, 1], centers: [0])
        // Centering spreads the NaN to the intercept's corner, where the factorization meets it first.
        #expect(throws: LinearScorerError.covariance(.nonFiniteEntry(row: 0, column: 0))) {
            try LinearScorer(fit: nonFinite)
        }
    }

    @Test("No rows give empty scores")
    func empty() throws {
        let s = try LinearScorer(fit: Self.fixture.fit, groups: Self.fixture.ranges)
            .score(Matrix(rows: 0, columns: 12), threads: 2)
        #expect(s.count == 0 && s.probability.isEmpty && s.topPositiveGroups.isEmpty)
    }
}
