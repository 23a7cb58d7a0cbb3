import Foundation
import TestSupport

/// `Tests/Fixtures/analysis/statistics.json`, written by `scripts/make_analysis_fixtures.py`
/// from scipy and statsmodels.
struct StatisticsFixture: Decodable {
    struct Quantile: Decodable { let p: Double; let z: Double }
    struct Wilson: Decodable {
        let successes: Int, trials: Int
        let confidence: Double, lower: Double, upper: Double
    }
    struct Fisher: Decodable { let table: [Int]; let pValue: Double }
    struct MultipleTesting: Decodable {
        let method: String, alpha: Double
        let pValues: [Double], adjusted: [Double], reject: [Bool]
    }
    struct PoissonBinomial: Decodable {
        struct Case: Decodable { let observed: Int, lower: Double, upper: Double }
        let probabilities: [Double]
        let mean: Double, variance: Double
        let cases: [Case]
    }

    let normalQuantiles: [Quantile]
    let wilson: [Wilson]
    let fisher: [Fisher]
    let multipleTesting: [MultipleTesting]
    let poissonBinomial: [PoissonBinomial]

    static let shared: StatisticsFixture = {
        let url = fixturesDirectory.appending(path: "analysis/statistics.json")
        return try! JSONDecoder().decode(StatisticsFixture.self, from: Data(contentsOf: url))
    }()
}

/// Whether `a` and `b` agree to `relative` of their size, or `absolute` near zero.
func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
