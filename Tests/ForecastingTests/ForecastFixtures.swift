import Foundation
import TestSupport

/// `Tests/Fixtures/forecast/poisson_binomial.json`, written by scripts/make_forecast_fixtures.py.
struct PoissonBinomialFixture: Decodable {
    struct Case: Decodable {
        let name: String
        let probabilities: [Double]
        let pmf: [Double]
        let mean: Double
        let variance: Double
        let quantiles: [Int]
        let exactPmf: [Double]?
        let exactQuantiles: [Int]?
    }
    let cases: [Case]

    static func load() throws -> Self {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: fixturesDirectory.appendingPathComponent("forecast/poisson_binomial.json")))
    }
}

/// `Tests/Fixtures/forecast/revenue_lattice.json`.
struct RevenueLatticeFixture: Decodable {
    let probabilities: [Double]
    let amounts: [Double]
    let unit: Double
    let pmf: [Double]
    let mean: Double
    let quantiles: [Double]

    static func load() throws -> Self {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: fixturesDirectory.appendingPathComponent("forecast/revenue_lattice.json")))
    }
}

/// The distribution of `Σ amountᵢ·Bᵢ` by enumerating all 2ⁿ outcomes: value → probability.
func bruteForceDistribution(probabilities: [Double], amounts: [Double]) -> [Double: Double] {
    var result: [Double: Double] = [:]
    for mask in 0..<(1 << probabilities.count) {
        var probability = 1.0, value = 0.0
        for (i, p) in probabilities.enumerated() {
            if mask & (1 << i) != 0 {
                probability *= p
                value += amounts[i]
            } else {
                probability *= 1 - p
            }
        }
        result[value, default: 0] += probability
    }
    return result
}

/// The smallest value whose cumulative probability reaches `q`.
func bruteForceQuantile(_ distribution: [Double: Double], _ q: Double) -> Double {
    var cumulative = 0.0
    for value in distribution.keys.sorted() {
        cumulative += distribution[value]!
        if cumulative >= q - 1e-12 { return value }
    }
    return distribution.keys.max()!
}
