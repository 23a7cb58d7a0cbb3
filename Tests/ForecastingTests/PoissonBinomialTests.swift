import Forecasting
import TestSupport
import Testing

struct PoissonBinomialTests {
    @Test("Masses match enumeration of every outcome for small pipelines")
    func bruteForce() {
        var generator = SeededGenerator(seed: 11)
        for n in [0, 1, 2, 5, 9, 14] {
            let p = (0..<n).map { _ in Double.random(in: 0...1, using: &generator) }
            let enumerated = bruteForceDistribution(probabilities: p, amounts: p.map { _ in 1 })
            let wins = PoissonBinomial.distribution(of: p, tolerance: 0)
            for k in 0...n {
                #expect(abs(wins.mass(atStep: k) - (enumerated[Double(k)] ?? 0)) <= 1e-15)
            }
            for q in [0.1, 0.5, 0.9] {
                #expect(wins.quantile(q) == bruteForceQuantile(enumerated, q))
            }
        }
    }

    @Test("Masses and quantiles match scipy.stats.poisson_binom (and exact rational arithmetic)")
    func scipyReference() throws {
        for reference in try PoissonBinomialFixture.load().cases {
            let wins = PoissonBinomial.distribution(of: reference.probabilities)
            #expect(wins.droppedMass <= 1e-12)
            let worst = reference.pmf.indices.map { abs(wins.mass(atStep: $0) - reference.pmf[$0]) }.max()!
            #expect(worst <= 1e-12, "\(reference.name): largest difference \(worst)")
            #expect(wins.quantileSteps([0.1, 0.5, 0.9]) == reference.quantiles, "\(reference.name)")
            if let exact = reference.exactPmf, let quantiles = reference.exactQuantiles {
                let full = PoissonBinomial.distribution(of: reference.probabilities, tolerance: 0)
                for k in exact.indices { #expect(abs(full.mass(atStep: k) - exact[k]) <= 2e-16) }
                #expect(full.quantileSteps([0.1, 0.5, 0.9]) == quantiles)
            }
        }
    }

    @Test("Mean and variance equal Σp and Σp(1−p) on a large pipeline, with a window far narrower than n")
    func closedForms() {
        var generator = SeededGenerator(seed: 5)
        let p = (0..<200_000).map { _ in Double.random(in: 0...1, using: &generator) * Double.random(in: 0...1, using: &generator) }
        let wins = PoissonBinomial.distribution(of: p)
        let mean = p.reduce(0, +), variance = p.reduce(0) { $0 + $1 * (1 - $1) }
        #expect(abs(wins.mean - mean) <= 1e-9 * mean)
        #expect(abs(wins.variance - variance) <= 1e-8 * variance)
        #expect(wins.droppedMass <= 1e-12)
        #expect(abs(wins.masses.reduce(0, +) - 1) <= 1e-11)
        // ±9 standard deviations or so, not the 200,001 points of the full support.
        #expect(wins.masses.count < Int(20 * variance.squareRoot()))
        // The normal approximation is close at this size: P50 within one of the mean.
        #expect(abs(wins.quantile(0.5) - mean) <= 1)
    }

    @Test("Certain and impossible leads shift and leave the distribution")
    func degenerateProbabilities() {
        let wins = PoissonBinomial.distribution(of: [1, 1, 0, 0, 0.5])
        #expect(wins.mass(atStep: 2) == 0.5)
        #expect(wins.mass(atStep: 3) == 0.5)
        #expect(wins.quantile(0.5) == 2)
        #expect(wins.quantile(0.9) == 3)
        let none = PoissonBinomial.distribution(of: [])
        #expect(none.quantile(0.9) == 0 && none.mass(atStep: 0) == 1)
    }
}
