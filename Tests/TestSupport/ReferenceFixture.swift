import Foundation
import LinearAlgebra

/// The folder holding the committed reference fixtures (`Tests/Fixtures`).
public let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The repository's root folder.
public let repositoryRoot = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent()

/// A reference fit written by `scripts/make_fixtures.py` from scikit-learn or statsmodels.
public struct ReferenceFixture: Decodable, Sendable {
    public struct StandardErrors: Decodable, Sendable {
        public let intercept: Double
        public let coefficients: [Double]
    }
    public struct Metrics: Decodable, Sendable {
        public let auc: Double
        public let logLoss: Double
        public let brier: Double
    }

    public let name: String
    public let reference: String
    public let data: String
    public let label: String
    public let weight: String?
    public let featureNames: [String]
    public let lambda: Double
    public let standardize: Bool
    public let intercept: Double
    public let coefficients: [Double]
    public let standardErrors: StandardErrors
    public let objective: Double
    public let logLikelihood: Double
    public let nullLogLikelihood: Double
    public let pseudoR2: Double
    public let aic: Double
    public let bic: Double
    public let metrics: Metrics

    /// Loads `Tests/Fixtures/<name>.json`.
    public static func load(_ name: String) throws -> ReferenceFixture {
        let url = fixturesDirectory.appendingPathComponent("\(name).json")
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }

    /// The fixture's data: features in `featureNames` order, labels and weights.
    public func table() throws -> (features: Matrix, labels: [Double], weights: [Double]?) {
        try fixtureTable(data, label: label, weight: weight, featureNames: featureNames)
    }
}

/// An elastic-net reference fit written by `scripts/make_elasticnet_fixtures.py`: scikit-learn's
/// `saga`, made exact on its support and KKT-verified.
public struct ElasticNetFixture: Decodable, Sendable {
    public let name: String
    public let reference: String
    public let data: String
    public let label: String
    public let weight: String?
    public let featureNames: [String]
    public let lambda: Double
    public let l1Ratio: Double
    public let standardize: Bool
    public let lambdaMax: Double
    public let intercept: Double
    public let coefficients: [Double]
    public let zeroCoefficients: [String]
    public let objective: Double

    /// Loads `Tests/Fixtures/elasticnet/<name>.json`.
    public static func load(_ name: String) throws -> ElasticNetFixture {
        let url = fixturesDirectory.appendingPathComponent("elasticnet/\(name).json")
        return try JSONDecoder().decode(ElasticNetFixture.self, from: Data(contentsOf: url))
    }

    /// The fixture's data: features in `featureNames` order, labels and weights.
    public func table() throws -> (features: Matrix, labels: [Double], weights: [Double]?) {
        try fixtureTable(data, label: label, weight: weight, featureNames: featureNames)
    }
}

/// Reads a fixture CSV (a path under `Tests/Fixtures`): features in `featureNames` order,
/// labels and weights.
///
/// The fixture CSVs are plain numbers without quotes, so a split on commas reads them; the
/// product's own CSV reader is tested separately and is not used here.
public func fixtureTable(_ data: String, label: String, weight: String?,
                         featureNames: [String]) throws -> (features: Matrix, labels: [Double], weights: [Double]?) {
    let text = try String(contentsOf: fixturesDirectory.appendingPathComponent(data), encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline)
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    let labelIndex = header.firstIndex(of: label)!
    let weightIndex = weight.flatMap { header.firstIndex(of: $0) }
    let featureIndices = featureNames.map { header.firstIndex(of: $0)! }
    var elements: [Double] = []
    var labels: [Double] = []
    var weights: [Double] = []
    for line in lines {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0)! }
        labels.append(fields[labelIndex])
        if let weightIndex { weights.append(fields[weightIndex]) }
        elements.append(contentsOf: featureIndices.map { fields[$0] })
    }
    return (Matrix(rows: labels.count, columns: featureNames.count, elements: elements),
            labels, weightIndex == nil ? nil : weights)
}

/// `|a − b| / max(1, |b|)`: the error measure the tolerances use.
public func relativeError(_ a: Double, _ b: Double) -> Double {
    abs(a - b) / max(1, abs(b))
}

/// The largest `relativeError` over two equally long arrays.
public func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "Arrays differ in length: \(a.count) vs \(b.count).")
    return zip(a, b).map { relativeError($0, $1) }.max() ?? 0
}
