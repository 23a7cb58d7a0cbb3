import Analysis
import Testing

struct ProportionIntervalTests {
    @Test("Wilson intervals match statsmodels' proportion_confint(method=\"wilson\") at 90, 95 and 99%")
    func wilson() {
        for entry in StatisticsFixture.shared.wilson {
            let interval = ProportionInterval.wilson(successes: entry.successes, trials: entry.trials,
                                                     confidence: entry.confidence)
            let what = "\(entry.successes) of \(entry.trials) at \(entry.confidence)"
            #expect(close(interval.lower, entry.lower, relative: 1e-12, absolute: 1e-15), "\(what)")
            #expect(close(interval.upper, entry.upper, relative: 1e-12, absolute: 1e-15), "\(what)")
        }
    }

    @Test("At 0 and n successes the interval reaches 0 or 1 exactly, and always holds the rate")
    func bounds() {
        for trials in [1, 2, 7, 40, 1000] {
            let none = ProportionInterval.wilson(successes: 0, trials: trials)
            let all = ProportionInterval.wilson(successes: trials, trials: trials)
            #expect(none.lower == 0 && none.upper > 0 && none.upper < 1)
            #expect(all.upper == 1 && all.lower > 0 && all.lower < 1)
            // Symmetry: x of n mirrors n − x of n.
            #expect(abs(none.upper - (1 - all.lower)) < 1e-15)
            for successes in 0...trials {
                let interval = ProportionInterval.wilson(successes: successes, trials: trials)
                #expect(interval.contains(Double(successes) / Double(trials)))
            }
        }
    }
}
