import Foundation
import TestSupport

/// The cases of `Tests/Fixtures/calibration.json` (`scripts/make_calibration_fixtures.py`):
/// scikit-learn's Platt scaling and isotonic regression.
struct CalibrationFixture: Decodable {
    struct Platt: Decodable {
        let a: Double
        let b: Double
        let queryLogOdds: [Double]
        let predictions: [Double]
    }
    struct Isotonic: Decodable {
        let thresholds: [Double]
        let values: [Double]
        let queryProbabilities: [Double]
        let predictions: [Double]
    }
    struct Case: Decodable {
        let name: String
        let logOdds: [Double]
        let probabilities: [Double]
        let labels: [Double]
        let weights: [Double]?
        let platt: Platt
        let isotonic: Isotonic
    }
    let cases: [Case]

    static let shared: CalibrationFixture = {
        let url = fixturesDirectory.appendingPathComponent("calibration.json")
        return try! JSONDecoder().decode(CalibrationFixture.self, from: Data(contentsOf: url))
    }()

    static let caseNames = shared.cases.map(\.name)

    static func named(_ name: String) -> Case { shared.cases.first { $0.name == name }! }
}
