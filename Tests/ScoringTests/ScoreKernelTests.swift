import Foundation
import LinearAlgebra
import Testing
@testable import Training

@testable import Scoring

/// The scoring arithmetic against direct sums written out term by term.
struct ScoreKernelTests {
    /// A fit with `d` columns, a dense positive-definite covariance and seeded values.
    static func fit(d: Int, seed: UInt64) -> LogisticRegressionFit {
        var state = seed
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 2 - 1
        }
        let p = d + 1
        // Σ = AAᵀ/p + 0.01·I: dense and positive definite.
        let a = (0..<p * p).map { _ in uniform() }
        var sigma = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0..<p {
                var sum = i == j ? 0.01 : 0
                for k in 0..<p { sum += a[i * p + k] * a[j * p + k] / Double(p) }
                sigma[i * p + j] = sum
            }
        }
        return LogisticRegressionFit(
            featureNames: (0..<d).map { "x\($0)" }, intercept: uniform(), coefficients: (0..<d).map { _ in uniform() },
            covariance: sigma, settings: LogisticRegression(l2: 1), centers: (0..<d).map { _ in uniform() },
            standardDeviations: [Double](repeating: 1, count: d), observationCount: 100, weightSum: 100,
            positiveRate: 0.3, objective: 1, logLikelihood: -1, nullLogLikelihood: -2, iterations: 5, converged: true,
            maxAbsGradient: 0, newtonDecrement: 0)
    }

    static func rows(_ n: Int, _ d: Int, seed: UInt64) -> Matrix {
        var state = seed
        return Matrix(rows: n, columns: d, elements: (0..<n * d).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) * 4 - 2
        })
    }

    @Test("probabilities, 90% ranges and contributions match the sums written out, on more rows than one block")
    func againstDirectSums() {
        let d = 12
        let fit = Self.fit(d: d, seed: 3)
        let groups = [0..<1, 1..<4, 4..<5, 5..<9, 9..<12]
        let x = Self.rows(2500, d, seed: 4)
        let scores = ScoreKernel(fit: fit, groups: groups, topCount: 3).score(x)
        #expect(scores.probability.count == 2500)
        for i in [0, 1, 1023, 1024, 2047, 2048, 2499] {
            let tilde = [1] + (0..<d).map { x[i, $0] }
            var eta = fit.intercept
            for j in 0..<d { eta += fit.coefficients[j] * x[i, j] }
            var variance = 0.0
            for a in 0...d { for b in 0...d { variance += tilde[a] * fit.covariance[a * (d + 1) + b] * tilde[b] } }
            let se = variance.squareRoot()
            #expect(abs(scores.probability[i] - 1 / (1 + exp(-eta))) <= 1e-14)
            #expect(abs(scores.low[i] - 1 / (1 + exp(-(eta - 1.6448536269514722 * se)))) <= 1e-12)
            #expect(abs(scores.high[i] - 1 / (1 + exp(-(eta + 1.6448536269514722 * se)))) <= 1e-12)
            #expect(scores.low[i] < scores.probability[i] && scores.probability[i] < scores.high[i])

            let contributions = groups.map { g in g.reduce(0.0) { $0 + fit.coefficients[$1] * (x[i, $1] - fit.centers[$1]) } }
            let up = contributions.indices.filter { contributions[$0] > 0 }.sorted { contributions[$0] > contributions[$1] }
            let down = contributions.indices.filter { contributions[$0] < 0 }.sorted { contributions[$0] < contributions[$1] }
            let slots = 3 * i..<3 * i + 3
            #expect(Array(scores.raising[slots]) == (up.prefix(3).map(Int32.init) + [-1, -1, -1]).prefix(3).map { $0 })
            #expect(Array(scores.lowering[slots]) == (down.prefix(3).map(Int32.init) + [-1, -1, -1]).prefix(3).map { $0 })
            for (k, g) in up.prefix(3).enumerated() { #expect(abs(scores.raisingBy[3 * i + k] - contributions[g]) <= 1e-12) }
            for (k, g) in down.prefix(3).enumerated() { #expect(abs(scores.loweringBy[3 * i + k] - contributions[g]) <= 1e-12) }
            // The contributions add up to the log-odds minus the average training lead's.
            let baseline = fit.intercept + zip(fit.coefficients, fit.centers).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(contributions.reduce(0, +) - (eta - baseline)) <= 1e-12)
        }
    }

    @Test("the same scores on any number of threads")
    func threads() {
        let fit = Self.fit(d: 6, seed: 8)
        let kernel = ScoreKernel(fit: fit, groups: [0..<2, 2..<3, 3..<6], topCount: 2)
        let x = Self.rows(5000, 6, seed: 9)
        let one = kernel.score(x, threads: 1), three = kernel.score(x, threads: 3)
        #expect(one.probability == three.probability && one.low == three.low && one.high == three.high)
        #expect(one.raising == three.raising && one.raisingBy == three.raisingBy)
        #expect(one.lowering == three.lowering && one.loweringBy == three.loweringBy)
    }

    @Test("a row at the training means has no factors; ties keep the earlier feature first; extreme log-odds stay finite")
    func edges() {
        var fit = Self.fit(d: 3, seed: 1)
        let kernel = ScoreKernel(fit: fit, groups: [0..<1, 1..<2, 2..<3], topCount: 3)
        let atMeans = kernel.score(Matrix(rows: 1, columns: 3, elements: fit.centers))
        #expect(atMeans.raising == [-1, -1, -1] && atMeans.lowering == [-1, -1, -1])

        fit = LogisticRegressionFit(
            featureNames: ["a", "b", "c"], intercept: 0, coefficients: [1, 1, -800], covariance: fit.covariance,
            settings: fit.settings, centers: [0, 0, 0], standardDeviations: [1, 1, 1], observationCount: 1, weightSum: 1,
            positiveRate: 0.5, objective: 1, logLikelihood: -1, nullLogLikelihood: -1, iterations: 1, converged: true,
            maxAbsGradient: 0, newtonDecrement: 0)
        let tied = ScoreKernel(fit: fit, groups: [0..<1, 1..<2, 2..<3], topCount: 3)
            .score(Matrix(rowArrays: [[2, 2, 1], [2, 2, -1]]))
        #expect(Array(tied.raising[0..<3]) == [0, 1, -1])
        #expect(Array(tied.lowering[0..<3]) == [2, -1, -1])
        #expect(tied.probability[0] == 0 || tied.probability[0] < 1e-300)
        #expect(tied.probability[1] == 1)
        #expect((tied.low + tied.high + tied.probability).allSatisfy { $0.isFinite })
    }
}
