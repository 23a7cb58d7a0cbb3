import Foundation
import TestSupport
import Testing

@testable import Scoring
import Training

struct ModelSummaryTests {
    @Test func theReportHasTheFitsNumbersUnderTheirNames() throws {
        let model = try spectorModel()
        let fit = model.fit
        let data = ModelReport(model).json
        #expect(data.last == 0x0A)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["intercept", "coefficients", "standardErrors", "logLikelihood", "iterations"] {
            #expect(object[key] != nil, "The report has no `\(key)`.")
        }
        #expect((object["coefficients"] as? [String: Any]).map { Set($0.keys) } == ["GPA", "TUCE", "PSI"])
        #expect((object["standardErrors"] as? [String: Any]).map { Set($0.keys) } == ["intercept", "GPA", "TUCE", "PSI"])

        let report = try JSONDecoder().decode(ModelReport.self, from: data)
        #expect(report == ModelReport(model))
        #expect(report.intercept == fit.intercept)
        #expect(report.coefficients == ["GPA": fit.coefficients[0], "TUCE": fit.coefficients[1], "PSI": fit.coefficients[2]])
        #expect(report.standardErrors == [
            "intercept": fit.interceptStandardError, "GPA": fit.standardErrors[0], "TUCE": fit.standardErrors[1],
            "PSI": fit.standardErrors[2],
        ])
        #expect(report.logLikelihood == fit.logLikelihood)
        #expect(report.iterations == fit.iterations)
        #expect(report.featureNames == ["GPA", "TUCE", "PSI"])
        #expect(report.observations == 32)
    }

    @Test func theReportAgreesWithStatsmodels() throws {
        let report = ModelReport(try spectorModel())
        let reference = try ReferenceFixture.load("spector_logit")
        #expect(relativeError(report.intercept, reference.intercept) <= 1e-6)
        #expect(maxRelativeError(reference.featureNames.map { report.coefficients[$0]! }, reference.coefficients) <= 1e-6)
        #expect(relativeError(report.standardErrors["intercept"]!, reference.standardErrors.intercept) <= 1e-5)
        #expect(maxRelativeError(reference.featureNames.map { report.standardErrors[$0]! },
                                 reference.standardErrors.coefficients) <= 1e-5)
        #expect(abs(report.logLikelihood - reference.logLikelihood) <= 1e-9)
        #expect(abs(report.aic - reference.aic) <= 1e-8)
        // statsmodels 0.15: `Logit(...).fit().tvalues["PSI"]`, `pvalues["PSI"]`, `conf_int().loc["PSI"]`.
        #expect(abs(report.zValues["PSI"]! - 2.2344237513563456) < 1e-6)
        #expect(abs(report.pValues["PSI"]! - 0.025455204361278325) < 1e-8)
        #expect(maxRelativeError(report.confidenceIntervals["PSI"]!, [0.29218006, 4.46519525]) < 1e-6)
        #expect(abs(report.oddsRatios["PSI"]! - exp(2.378687655093354)) < 1e-5)
        #expect(report.oddsRatios["intercept"] == nil)
    }

    @Test func theTextSummaryLaysOutTheCoefficientTable() throws {
        let lines = ModelSummary.text(try spectorModel()).split(separator: "\n", omittingEmptySubsequences: false)
        // Expected rows from the statsmodels estimates and standard errors in
        // `Tests/Fixtures/spector_logit.json`, formatted in Python: names padded to 23, then
        // 11-wide cells; coef, std err, bounds and odds ratio `%.4f`, z and P>|z| `%.3f`; no
        // trailing blanks (the intercept has no odds ratio).
        #expect(lines.first == "Model card")
        #expect(lines.contains("Logistic regression of GRADE"))
        #expect(lines.contains(
            "                              coef    std err          z      P>|z|     [0.025     0.975] odds ratio"))
        #expect(lines.contains(
            "intercept                 -13.0213     4.9313     -2.641      0.008   -22.6866    -3.3561"))
        #expect(lines.contains(
            "PSI                         2.3787     1.0646      2.234      0.025     0.2922     4.4652    10.7907"))
        #expect(lines.contains(
            "TUCE                        0.0952     0.1416      0.672      0.501    -0.1823     0.3726     1.0998"))
        #expect(lines.contains(
            "Training data:                 spector_logit.csv    Observations:                                 32"))
        #expect(lines.contains(
            "Wins:                                 11 (34.4%)    Features:                                      3"))
        #expect(lines.contains("Penalty:              none (maximum likelihood)"))
        #expect(lines.last == "")
    }

    @Test func aPenalizedSummarySaysSoAndWarnsAboutPValues() throws {
        let text = ModelSummary.text(try spectorModel(l2: 1))
        // The penalty is printed as given (`%g`).
        #expect(text.contains("\nPenalty:              L2, λ = 1 on standardized coefficients\n"))
        #expect(text.hasSuffix(
            "\nStandard errors are from the inverse of the penalized Hessian; p-values and intervals\n"
                + "of a penalized fit are approximate (shrunk towards zero).\n"))
    }

    @Test
    func everyLineIsAtMostOneHundredCharacters() throws {
        let text = ModelSummary.text(try spectorModel())
        let long = text.split(separator: "\n").map(String.init).filter { $0.count > 100 }
        #expect(long.isEmpty, "Lines longer than 100 characters: \(long)")
    }

    @Test func numbersHaveFourDecimalsOrScientificNotation() {
        #expect(ModelSummary.number(0) == "0.0000")
        #expect(ModelSummary.number(0.001) == "0.0010")
        #expect(ModelSummary.number(0.00099) == "9.900e-04")
        #expect(ModelSummary.number(-123456.78) == "-123456.7800")
        #expect(ModelSummary.number(1e6) == "1.000e+06")
    }
}
