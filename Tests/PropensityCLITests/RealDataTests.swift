import Foundation
import TestSupport
import Testing

/// `propensity train` on real public data, the UCI Bank Marketing calls, against statsmodels.
///
/// The data is read in place from the shared data folder next to the repository (it is not
/// copied into the repository); without it the test is skipped.
struct RealDataTests {
    /// `../shared/data/uci_bank_marketing/bank-full.csv`, relative to the repository root.
    static let bankData = repositoryRoot.appendingPathComponent("../shared/data/uci_bank_marketing/bank-full.csv").standardized

    /// `Tests/Fixtures/bank_marketing.json`, written by `scripts/make_fixtures.py`.
    struct BankFixture: Decodable {
        struct StandardErrors: Decodable {
            let intercept: Double
            let coefficients: [Double]
        }
        let data: String
        let label: String
        let positive: String
        let exclude: [String]
        let observations: Int
        let numericColumns: [String]
        let featureNames: [String]
        let featureStandardDeviations: [Double]
        let intercept: Double
        let coefficients: [Double]
        let standardErrors: StandardErrors
        let logLikelihood: Double
        let nullLogLikelihood: Double
        let aic: Double
        let bic: Double
    }


    @Test("Bank Marketing without `duration` reproduces statsmodels' Logit through the command line",
          .enabled(if: FileManager.default.fileExists(atPath: RealDataTests.bankData.path),
                   "needs ../shared/data/uci_bank_marketing/bank-full.csv next to the repository"))
    func bankMarketing() throws {
        let fixture = try JSONDecoder().decode(
            BankFixture.self, from: Data(contentsOf: fixturesDirectory.appendingPathComponent("bank_marketing.json")))
        #expect(repositoryRoot.appendingPathComponent(fixture.data).standardized == Self.bankData)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("bank.json").path

        let train = try runPropensity(["train", "--data", Self.bankData.path, "--label", fixture.label,
                                       "--positive", fixture.positive]
                                      + fixture.exclude.flatMap { ["--exclude", $0] } + ["--out", model])
        try #require(train.status == 0, "\(train.standardError)")
        let report = try inspectReport(model)

        // The encoding: the same features, in the same order, as the script's replica of it.
        #expect(report.observations == fixture.observations)
        try #require(report.featureNames == fixture.featureNames)
        #expect(Set(report.standardErrors.keys) == Set(fixture.featureNames + ["intercept"]))
        #expect(report.converged && report.iterations > 0)

        let coefficients = fixture.featureNames.map { report.coefficients[$0]! }
        let standardErrors = fixture.featureNames.map { report.standardErrors[$0]! }
        #expect(relativeError(report.intercept, fixture.intercept) <= 1e-6)
        #expect(maxRelativeError(coefficients, fixture.coefficients) <= 1e-6)
        // Numeric columns per standard deviation as well: `balance` is in euros (sd ≈ 3,000), so
        // its coefficient (≈ 1.7e-5) is invisible to an error floored at 1; per sd it is the
        // change in log-odds for one sd, the scale on which the coefficients are comparable.
        // (Not the relative error without a floor: `pdays` is ≈ -5e-5 with a standard error
        // of 3e-4, zero up to noise, and its leading digits say nothing about the fit.)
        let numeric = fixture.featureNames.indices.filter { fixture.numericColumns.contains(fixture.featureNames[$0]) }
        #expect(numeric.count == fixture.numericColumns.count)
        for j in numeric {
            let sd = fixture.featureStandardDeviations[j]
            #expect(relativeError(coefficients[j] * sd, fixture.coefficients[j] * sd) <= 1e-6,
                    "\(fixture.featureNames[j]): \(coefficients[j]) vs \(fixture.coefficients[j])")
        }
        // Standard errors are positive and never near zero on their own scale, so they are
        // compared relative to themselves, without a floor: stricter than both checks above.
        #expect(abs(report.standardErrors["intercept"]! / fixture.standardErrors.intercept - 1) <= 1e-5)
        for j in fixture.featureNames.indices {
            #expect(abs(standardErrors[j] / fixture.standardErrors.coefficients[j] - 1) <= 1e-5,
                    "\(fixture.featureNames[j]): \(standardErrors[j]) vs \(fixture.standardErrors.coefficients[j])")
        }
        #expect(abs(report.logLikelihood - fixture.logLikelihood) <= 1e-8 * abs(fixture.logLikelihood))
        #expect(abs(report.nullLogLikelihood - fixture.nullLogLikelihood) <= 1e-8 * abs(fixture.nullLogLikelihood))
        #expect(abs(report.aic - fixture.aic) <= 1e-8 * fixture.aic)
        #expect(abs(report.bic - fixture.bic) <= 1e-8 * fixture.bic)
    }
}
