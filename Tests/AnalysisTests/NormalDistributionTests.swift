import Analysis
import Testing

struct NormalDistributionTests {
    @Test("Quantiles match scipy.stats.norm.ppf from 1e-300 to 1 − 1e-8")
    func quantiles() {
        for entry in StatisticsFixture.shared.normalQuantiles {
            #expect(close(NormalDistribution.quantile(entry.p), entry.z, relative: 1e-13, absolute: 1e-15), "p = \(entry.p)")
        }
    }

    @Test("The 97.5% quantile is the constant the coefficient table uses")
    func z975() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-15)
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(0) == -.infinity && NormalDistribution.quantile(1) == .infinity)
    }
}
