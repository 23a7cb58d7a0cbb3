import Analysis
import Testing

struct PoissonBinomialTestTests {
    @Test("Tails, mean and variance match scipy.stats.poisson_binom for 1 to 400 leads")
    func scipyReference() {
        for entry in StatisticsFixture.shared.poissonBinomial {
            for item in entry.cases {
                let test = PoissonBinomialTest(probabilities: entry.probabilities, observedWins: item.observed)
                let what = "\(item.observed) of \(entry.probabilities.count)"
                #expect(close(test.lowerTail, item.lower, relative: 1e-9, absolute: 1e-300), "\(what)")
                #expect(close(test.upperTail, item.upper, relative: 1e-9, absolute: 1e-300), "\(what)")
                #expect(close(test.predictedWins, entry.mean, relative: 1e-12))
                #expect(close(test.standardDeviation * test.standardDeviation, entry.variance, relative: 1e-12, absolute: 1e-15))
                #expect(close(test.pValue, min(1, 2 * min(item.lower, item.upper)), relative: 1e-9, absolute: 1e-300))
            }
        }
    }

    @Test("By hand: two leads at 0.5 and 0.2")
    func byHand() {
        // P(W=0) = 0.4, P(W=1) = 0.5, P(W=2) = 0.1.
        let test = PoissonBinomialTest(probabilities: [0.5, 0.2], observedWins: 2)
        #expect(abs(test.upperTail - 0.1) < 1e-15 && abs(test.lowerTail - 1) < 1e-15)
        #expect(abs(test.pValue - 0.2) < 1e-15)
        #expect(abs(test.difference - 1.3) < 1e-15)
        #expect(abs(test.zScore! - 1.3 / (0.25 + 0.16).squareRoot()) < 1e-15)
        #expect(PoissonBinomialTest(probabilities: [1, 0], observedWins: 1).zScore == nil)
    }
}
