import Foundation
import Reporting
import Scoring
import Testing
import Training

/// The report's calibration section for a calibrated model: both reliability curves and the
/// expected calibration error before and after.
struct CalibrationSectionTests {
    @Test("Two series (before and after), one dot per decile of each, both tables and both ECEs")
    func beforeAndAfter() throws {
        // 40 held-out leads of an overconfident model: log-odds twice what the outcomes bear out.
        let eta = (0..<40).map { -3 + 6 * Double($0) / 39 }
        let labels = eta.enumerated().map { k, e in Double((k * 7) % 10) / 10 < 1 / (1 + exp(-e / 2)) ? 1.0 : 0.0 }
        let p = eta.map { 1 / (1 + exp(-$0)) }
        let evaluation = Evaluation(probabilities: p, labels: labels, closeTimes: eta.map { _ in .nan })
        let calibration = try ModelCalibration(fitting: .platt, logOdds: eta, labels: labels)
        let html = ReportSection.calibration(evaluation, calibrated: calibration).html.description

        let before = ChartNumber.fixed(calibration.before.expectedCalibrationError, decimals: 4)
        let after = ChartNumber.fixed(calibration.after.expectedCalibrationError, decimals: 4)
        #expect(html.contains("Expected calibration error \(before) before, \(after) after."))
        #expect(html.contains("before (ECE \(before))") && html.contains("after platt (ECE \(after))"))
        #expect(html.contains("Before calibration: by decile") && html.contains("After Platt scaling, cross-fitted: by decile"))
        #expect(html.contains("the factors stay on the model&#39;s log-odds"))
        let figure = try #require(html.range(of: "<figure data-chart=\"calibration\">"))
        let end = try #require(html.range(of: "</figure>", range: figure.upperBound..<html.endIndex))
        let svg = SVGMarkup(String(html[figure.upperBound..<end.lowerBound]))
        #expect(svg.all("circle").count == calibration.before.groups.count + calibration.after.groups.count)
        #expect(svg.all("path").count == 2)
    }

    @Test("Without a calibration the section is the single curve it always was")
    func uncalibrated() throws {
        let p = (0..<20).map { 0.05 + 0.9 * Double($0) / 19 }
        let evaluation = Evaluation(probabilities: p, labels: p.map { $0 > 0.5 ? 1 : 0 }, closeTimes: p.map { _ in .nan })
        let html = ReportSection.calibration(evaluation).html.description
        #expect(!html.contains("before (ECE"))
        let figure = try #require(html.range(of: "<figure data-chart=\"calibration\">"))
        let svg = SVGMarkup(String(html[figure.upperBound...]))
        #expect(svg.all("circle").count == 10)
    }
}
