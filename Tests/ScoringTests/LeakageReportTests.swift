import Foundation
import Scoring
import TestSupport
import Testing

struct LeakageReportTests {
    /// Closed and open leads of a CRM export in which `loss_reason` and `final_amount` are filled
    /// in at the close, `employees` is drawn from one distribution for everybody and `stage`
    /// holds values open leads never have.
    static func drifts() -> [ColumnDrift] {
        var random = SeededGenerator(seed: 7)
        let employees = (0..<900).map { _ in exp(4 + random.nextGaussian()) }
        let reasons = ["price", "timing", "competitor", "no decision"]
        return [
            LeakageCheck.drift(column: "employees", closed: Array(employees[..<600]), open: Array(employees[600...])),
            LeakageCheck.drift(column: "loss_reason", closed: (0..<600).map { _ in reasons.randomElement(using: &random) },
                               open: [String?](repeating: nil, count: 300)),
            LeakageCheck.drift(column: "final_amount", closed: (0..<600).map { _ in 1000 * exp(random.nextGaussian()) },
                               open: [Double](repeating: .nan, count: 300)),
            LeakageCheck.drift(column: "stage", closed: (0..<600).map { $0 % 3 == 0 ? "negotiation" : "closed" },
                               open: (0..<300).map { $0 % 2 == 0 ? "negotiation" : "discovery" }),
        ]
    }

    @Test func theCleanColumnIsBelowEveryThreshold() {
        let clean = Self.drifts()[0]
        #expect(clean.fillRateGap == 0)
        #expect(clean.divergence < 0.02)
        #expect(LeakageReport(drifts: [clean], featureAUCs: []).warnings.isEmpty)
    }

    @Test func columnsFilledOnlyForClosedLeadsComeFirstAndTheCleanColumnIsAbsent() {
        let report = LeakageReport(drifts: Self.drifts(),
                                   featureAUCs: [("days_to_close", 0.95), ("visits", 0.8), ("discount", 0.07)])
        #expect(report.warnings.map(\.subject) == ["final_amount", "loss_reason", "days_to_close", "discount", "stage"])
        #expect(report.warnings.map(\.kind) == [.fillRate, .fillRate, .separation, .separation, .distribution])
        // Scores: fill-rate gap 1 (ties broken by name), then 2 AUC − 1 with AUC 0.95 and 1 − 0.07.
        #expect(report.warnings[0].score == 1 && report.warnings[1].score == 1)
        #expect(abs(report.warnings[2].score - 0.9) <= 1e-12)
        #expect(abs(report.warnings[3].score - 0.86) <= 1e-12)
        // stage: closed (negotiation ⅓, closed ⅔), open (negotiation ½, discovery ½), so m = (5/12, ⅓, ¼).
        let stage = (1.0 / 3 * log2(4.0 / 5) + 2.0 / 3 + 0.5 * log2(6.0 / 5) + 0.5) / 2
        #expect(abs(report.warnings[4].score - stage) <= 1e-15)
        #expect(report.warnings[0].description
            == "Column `final_amount` is filled for 100% of closed leads but 0% of open leads. A column filled in "
            + "when a deal closes leaks the outcome into training: if this one is, list it under outcome_time in the spec.")
        #expect(report.warnings[2].description
            == "Feature `days_to_close` alone separates won from lost leads (AUC 0.95). Signals this strong are rarely "
            + "known before the outcome: check what it is computed from, and list any column recorded at or after "
            + "the close under outcome_time in the spec.")
    }

    @Test func aDistributionWarningNamesTheDivergence() {
        let drift = ColumnDrift(column: "stage", closedFillRate: 0.9, openFillRate: 0.8, divergence: 0.4567)
        let report = LeakageReport(drifts: [drift], featureAUCs: [])
        #expect(report.warnings == [LeakageWarning(
            kind: .distribution, subject: "stage", score: 0.4567,
            message: "Column `stage` is distributed differently among closed and open leads (Jensen-Shannon divergence "
                + "0.46). If its value is set or changed when a deal closes, list it under outcome_time in the spec; "
                + "if open leads only differ in age or source, nothing needs to change.")])
    }

    @Test func thresholdsAreInclusiveAndAdjustable() {
        let drifts = [
            ColumnDrift(column: "a", closedFillRate: 0.8, openFillRate: 0.5, divergence: 0.1),
            ColumnDrift(column: "b", closedFillRate: 0.8, openFillRate: 0.6, divergence: 0.2),
            ColumnDrift(column: "c", closedFillRate: 0.8, openFillRate: 0.6, divergence: 0.19),
        ]
        let aucs: [(name: String, auc: Double)] = [("x", 0.9), ("y", 0.1), ("z", 0.89)]
        let report = LeakageReport(drifts: drifts, featureAUCs: aucs)
        #expect(Set(report.warnings.map(\.subject)) == ["a", "b", "x", "y"])
        let strict = LeakageReport(drifts: drifts, featureAUCs: aucs, fillRateGap: 0.5, divergenceThreshold: 0.5,
                                   aucThreshold: 0.95)
        #expect(strict.warnings.isEmpty)
    }

    @Test func percentagesNeverRoundToAllOrNothing() {
        let drift = ColumnDrift(column: "notes", closedFillRate: 0.999, openFillRate: 0.002, divergence: 0.9)
        let message = LeakageReport(drifts: [drift], featureAUCs: []).warnings[0].message
        #expect(message.hasPrefix("Column `notes` is filled for 99% of closed leads but 1% of open leads."))
    }

    @Test func roundTripsThroughJSON() throws {
        let report = LeakageReport(drifts: Self.drifts(), featureAUCs: [("days_to_close", 0.95)])
        let decoded = try JSONDecoder().decode(LeakageReport.self, from: JSONEncoder().encode(report))
        #expect(decoded == report)
        let drift = Self.drifts()[1]
        #expect(try JSONDecoder().decode(ColumnDrift.self, from: JSONEncoder().encode(drift)) == drift)
    }
}
