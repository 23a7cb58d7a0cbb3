import Features
import LinearAlgebra
import Foundation
import TestSupport
import Testing
import Training

@testable import Scoring

/// The trainer's time-based holdout, its floor of won and lost leads, and `--l2 auto`, on the
/// bundled CRM export.
struct CRMTrainerValidationTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")

    static func spec() throws -> FeatureSpec { try FeatureSpec(contentsOf: crm.appending(path: "spec.yaml")) }

    @Test("the most recently closed 20% are held out, and the validation report is the model's metrics on them")
    func holdout() throws {
        let spec = try Self.spec()
        let result = try CRMTrainer(regression: LogisticRegression(l2: 1)).train(spec: spec, directory: Self.crm)
        let data = try CRMDataSet(spec: spec, directory: Self.crm)
        let closeTimes = data.closeTimes
        #expect(result.closedRows.count == 3341)
        #expect(result.validationRows.count == 668)  // round(0.2 × 3341)
        #expect(result.trainingRows + result.validationRows == result.closedRows)
        #expect(Set(result.closedRows) == Set((0..<data.leadCount).filter { data.outcomes[$0].isClosed }))
        let lastTrained = result.trainingRows.map { closeTimes[$0] }.max()!
        let firstHeld = result.validationRows.map { closeTimes[$0] }.min()!
        #expect(lastTrained <= firstHeld)
        #expect(result.model.fit.observationCount == 2673)

        // The report, recomputed from the saved model on the held-out leads.
        guard case .crm(let pipeline) = result.model.input else { Issue.record("not a CRM model"); return }
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil))
        let labels = result.validationRows.map { data.outcomes[$0] == .won ? 1.0 : 0.0 }
        let p = result.model.fit.probabilities(pipeline.matrix(raw, rows: result.validationRows))
        let validation = try #require(result.model.validation)
        #expect(validation.rows == 668)
        #expect(validation.wins == Int(labels.reduce(0, +)))
        #expect(validation.metrics == ClassificationMetrics(probabilities: p, labels: labels))
        #expect(validation.roc == ROCCurve(probabilities: p, labels: labels))
        #expect(validation.closedFrom == Timestamp.string(from: firstHeld))
        #expect(validation.closedTo == Timestamp.string(from: result.validationRows.map { closeTimes[$0] }.max()!))
        #expect(result.model.trainingData.closedTo == Timestamp.string(from: lastTrained))
        // The grades are cut on the training leads' scores.
        let x = pipeline.matrix(raw, rows: result.trainingRows)
        #expect(result.model.grades == GradeScale(fitting: result.model.fit.probabilities(x)))
    }

    @Test("with no holdout every closed lead is fitted and there is no validation report")
    func noHoldout() throws {
        let result = try CRMTrainer(regression: LogisticRegression(l2: 1), holdoutFraction: 0)
            .train(spec: try Self.spec(), directory: Self.crm)
        #expect(result.trainingRows.count == 3341)
        #expect(result.validationRows.isEmpty)
        #expect(result.model.validation == nil)
    }

    @Test("training is refused below the floor of won or lost leads, naming the counts")
    func floor() throws {
        let trainer = CRMTrainer(regression: LogisticRegression(l2: 1), minimumClassCount: 1100)
        #expect(throws: CRMTrainingError.tooFewExamples(won: 813, lost: 1860, heldOut: 668, minimum: 1100, file: "leads.csv",
                                                        wonValues: ["won"], lostValues: ["lost"])) {
            try trainer.train(spec: try Self.spec(), directory: Self.crm)
        }
        let error = CRMTrainingError.tooFewExamples(won: 12, lost: 300, heldOut: 0, minimum: 40, file: "leads.csv", wonValues: ["won"],
                                                    lostValues: ["lost", "disqualified"])
        #expect(error.description == "leads.csv has 12 won and 300 lost closed leads; training needs at least 40 of each "
            + "(won: won; lost: lost, disqualified). Add more history, check the label values in the spec, "
            + "or lower the floor with --min-class-count.")
    }

    @Test("--l2 auto scores every candidate on later folds and keeps the best; one fold recomputed by hand")
    func penaltySearch() throws {
        let spec = try Self.spec()
        let search = PenaltySearch(candidates: [0.1, 1, 10, 100], folds: 3)
        let result = try CRMTrainer(regression: LogisticRegression(l2: 0), penaltySearch: search)
            .train(spec: spec, directory: Self.crm)
        let found = try #require(result.model.penaltySearch)
        #expect(found.candidates.map(\.l2) == [0.1, 1, 10, 100])
        #expect(found.foldsUsed == 3)
        let best = found.candidates.min { $0.logLoss < $1.logLoss }!
        #expect(found.chosen == best.l2)
        #expect(result.model.fit.settings.l2 == found.chosen)

        // Blocks of the 2673 training leads: 4 of 668 or 669; fold k fits blocks 0..<k and scores block k.
        let rows = result.trainingRows
        let blocks = search.blocks(count: rows.count)
        #expect(blocks.map(\.count) == [668, 668, 668, 669])
        #expect(found.scoredRows == 668 + 668 + 669)
        let data = try CRMDataSet(spec: spec, directory: Self.crm)
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil))
        let label = { (lead: Int) in data.outcomes[lead] == .won ? 1.0 : 0.0 }
        var total = 0.0
        for fold in 1...3 {
            let fitRows = Array(rows[0..<blocks[fold].lowerBound]), testRows = Array(rows[blocks[fold]])
            let pipeline = try FeaturePipeline(spec: spec, fitting: raw, rows: fitRows)
            // Columns constant on the fold's leads (zero-filled interactions of rare levels) are left out.
            let x = pipeline.matrix(raw, rows: fitRows)
            let kept = (0..<x.columns).filter { j in (0..<x.rows).contains { x[$0, j] != x[0, j] } }
            if fold == 1 { #expect(kept.count < x.columns, "the first fold is expected to have constant columns") }
            let fit = try LogisticRegression(l2: 10).fit(
                TrainingData(features: Matrix(rowArrays: (0..<x.rows).map { i in kept.map { x[i, $0] } }),
                             labels: fitRows.map(label), featureNames: kept.map { pipeline.columnNames[$0] }))
            let test = pipeline.matrix(raw, rows: testRows)
            let p = fit.probabilities(Matrix(rowArrays: (0..<test.rows).map { i in kept.map { test[i, $0] } }))
            total += zip(p, testRows.map(label)).reduce(0) { $0 - ($1.1 == 1 ? log($1.0) : log1p(-$1.0)) }
        }
        let ten = try #require(found.candidates.first { $0.l2 == 10 })
        #expect(abs(ten.logLoss - total / Double(found.scoredRows)) <= 1e-12)
    }

    @Test("grade cut points are the lowest scores at most 10%, 30% and 60% of training leads reach")
    func grades() {
        // Scores 0, 1, …, 99: exactly 10 reach 90, 30 reach 70, 60 reach 40.
        let scale = GradeScale(fitting: (0..<100).map { Double($0) / 100 })
        #expect(scale == GradeScale(a: 90, b: 70, c: 40))
        #expect([100, 90, 89, 70, 69, 40, 39, 0].map { scale.grade(score: $0) } == [.a, .a, .b, .b, .c, .c, .d, .d])
        // A tie across a cut moves the cut above it: 20 leads at 50 and 80 at 10.
        let tied = GradeScale(fitting: [Double](repeating: 0.5, count: 20) + [Double](repeating: 0.1, count: 80))
        #expect(tied == GradeScale(a: 51, b: 11, c: 11))  // no A (20% > 10%), the 50s B, the 10s D
        #expect(GradeScale.score(probability: 0.374) == 37)
        #expect(GradeScale.score(probability: 0.375) == 38)
        #expect(GradeScale(fitting: [0.5]) == GradeScale(a: 51, b: 51, c: 51))
    }
}
