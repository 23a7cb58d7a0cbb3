import Forecasting
import TestSupport
import Testing

struct RevenueLatticeTests {
    @Test("The unit is the amounts' greatest common divisor in cents")
    func unit() {
        #expect(RevenueLattice(amounts: [1_000, 2_500, 40_000])?.unit == 500)
        #expect(RevenueLattice(amounts: [19.99, 5])?.unit == 0.01)
        #expect(RevenueLattice(amounts: [1_000, 2_500])?.steps == [2, 5])
        #expect(RevenueLattice(amounts: [0, 0])?.steps == [0, 0])
        // Not whole cents: no lattice.
        #expect(RevenueLattice(amounts: [1.0 / 3, 2]) == nil)
        // Too many states: 2·10⁷ + 1 units of one cent.
        #expect(RevenueLattice(amounts: [200_000, 0.01]) == nil)
        // Too much work: 9.6·10⁶ states, but about 3.8·10⁹ multiply-adds over 801 leads.
        #expect(RevenueLattice(amounts: [Double](repeating: 120, count: 800) + [0.01]) == nil)
        #expect(RevenueLattice(amounts: [Double](repeating: 120, count: 300) + [0.01]) != nil)
    }

    @Test("The exact distribution matches enumeration of every outcome")
    func bruteForce() throws {
        var generator = SeededGenerator(seed: 3)
        for n in [1, 4, 11] {
            let p = (0..<n).map { _ in Double.random(in: 0...1, using: &generator) }
            let amounts = (0..<n).map { _ in Double(Int.random(in: 0...40, using: &generator)) * 250 }
            let lattice = try #require(RevenueLattice(amounts: amounts))
            let revenue = lattice.distribution(probabilities: p, tolerance: 0)
            let enumerated = bruteForceDistribution(probabilities: p, amounts: amounts)
            for (value, probability) in enumerated {
                #expect(abs(revenue.mass(atStep: Int((value / lattice.unit).rounded())) - probability) <= 1e-15)
            }
            for q in [0.1, 0.5, 0.9] { #expect(revenue.quantile(q) == bruteForceQuantile(enumerated, q)) }
        }
    }

    @Test("The exact distribution matches the rational reference of 60 leads, with the tails cut")
    func fractionsReference() throws {
        let reference = try RevenueLatticeFixture.load()
        let lattice = try #require(RevenueLattice(amounts: reference.amounts))
        #expect(lattice.unit == reference.unit)
        let revenue = lattice.distribution(probabilities: reference.probabilities)
        #expect(revenue.droppedMass <= 1e-12)
        for k in reference.pmf.indices { #expect(abs(revenue.mass(atStep: k) - reference.pmf[k]) <= 1e-12) }
        #expect([0.1, 0.5, 0.9].map { revenue.quantile($0) } == reference.quantiles)
        #expect(abs(revenue.mean - reference.mean) <= 1e-9 * reference.mean)
        // The cut window is narrower than the full support.
        #expect(revenue.masses.count < reference.pmf.count)
    }
}
