import Foundation
import Propensity
import TestSupport
import Testing

/// The README's library example, run as written, with its results checked.
struct LibraryExampleTests {
    @Test("The README example trains on the bundled table and predicts every row")
    func readmeExample() throws {
        let csv = repositoryRoot.appendingPathComponent("datasets/flat/sqls.csv").path
        // From the README, with the path made absolute:
        let table = try FlatTable(contentsOf: URL(fileURLWithPath: csv))
        let sqls = try LabelledFlatTable(table, label: "outcome", positive: "won")
        let data = try TrainingData(features: sqls.features, labels: sqls.labels,
                                    featureNames: sqls.encoding.featureNames)
        let fit = try LogisticRegression(l2: 1).fit(data)
        let probabilities = fit.probabilities(sqls.features)
        let metrics = ClassificationMetrics(probabilities: probabilities, labels: sqls.labels)

        #expect(fit.converged)
        #expect(probabilities.count == 5000)
        #expect(sqls.labels.reduce(0, +) == 1207)
        // The score equations of a logistic fit with an unpenalized intercept: Σ p̂ = Σ y.
        #expect(abs(probabilities.reduce(0, +) - 1207) < 1e-6)
        #expect(fit.coefficientTable.first?.name == "intercept")
        #expect((metrics?.auc ?? 0) > 0.65)

        // From the README, the elastic net and its path:
        let sparse = try LogisticRegression(lambda: 20, l1Ratio: 1).fit(data)
        let path = try RegularizationPath(l1Ratio: 0.5).fit(data, featureNames: data.featureNames)

        #expect(sparse.converged && sparse.maxAbsGradient <= 1e-10 * 5000)
        #expect(!sparse.droppedFeatures.isEmpty && sparse.droppedFeatures.count < data.featureCount)
        #expect(path.points.count == 100)
        #expect(path.points.first?.nonzeroCount == 0 && path.points.last?.nonzeroCount == data.featureCount)
    }

    @Test("The README's spec example, with its calibration lines, runs on the bundled export")
    func specAndCalibrationExample() throws {
        let root = repositoryRoot
        let out = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        // From the README, with the paths made absolute and the bundled export as "next quarter":
        let spec = try FeatureSpec(contentsOf: root.appending(path: "datasets/crm/spec.yaml"))
        let result = try CRMTrainer(regression: LogisticRegression(l2: 1), threads: 2)
            .train(spec: spec, directory: root.appending(path: "datasets/crm"))
        try ModelFile.write(result.model, to: out.appending(path: "crm.json"))
        guard case .crm(let pipeline) = result.model.input else { fatalError() }
        let later = try CRMDataSet(spec: pipeline.spec, directory: root.appending(path: "datasets/crm"))
        let raw = try FeatureExtractor.rawFeatures(later, cutoffs: later.cutoffs(openLeadsAsOf: nil))
        let closed = (0..<later.leadCount).filter { later.outcomes[$0].isClosed }
        let p = result.model.fit.probabilities(pipeline.matrix(raw, rows: closed))

        let eta = result.model.fit.linearPredictor(pipeline.matrix(raw, rows: closed))
        let won = closed.map { later.outcomes[$0] == .won ? 1.0 : 0.0 }
        let calibrator = try Calibrator(fitting: .platt, logOdds: eta, labels: won)
        print(calibrator.probability(logOdds: eta[0]), p[0])

        #expect(closed.count == 3341)
        guard case .platt(let platt) = calibrator else { Issue.record("not Platt"); return }
        // The model ranks its leads well, so the map increases.
        #expect(platt.a < 0 && platt.converged)
        #expect(abs(p[0] - 1 / (1 + exp(-eta[0]))) <= 1e-12)
    }

    @Test("The README scoring example scores the bundled open SQLs and writes them")
    func scoringExample() throws {
        let root = repositoryRoot
        let out = try makeTemporaryDirectory().appendingPathComponent("scores.csv")
        // From the README, with the paths made absolute (evaluated on the bundled export):
        let model = try ModelFile.read(from: root.appendingPathComponent("models/crm.json"))
        let scorer = try CRMScorer(model: model, threads: 2)
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        let scored = try scorer.scoreOpenLeads(in: root.appendingPathComponent("datasets/crm"), asOf: asOf)
        var gradeA = 0
        for k in 0..<scored.count where scored.scores.grade(k) == .a {
            #expect(scored.factors(k, raising: true).map(\.text).count <= 3)
            gradeA += 1
        }
        try ScoreFile.write(scored, format: .csv, to: out)
        let later = try scorer.evaluate(root.appendingPathComponent("datasets/crm"))

        let formula = ScoringFormula(model: model)
        let sql = SQLExport.query(formula, dialect: .spark, table: "features", header: ["crm.json"])
        let pmml = PMMLExport.document(formula, modelName: "crm", description: "crm.json",
                                       version: PropensityVersion.current, timestamp: model.trainedAt)
        let features = out.deletingLastPathComponent().appendingPathComponent("features.csv")
        try FeatureValuesFile.write(scored, to: features)
        #expect(sql.hasSuffix("FROM features AS t\n") && pmml.hasSuffix("</PMML>\n"))
        #expect(try String(contentsOf: features, encoding: .utf8).split(separator: "\n").count == 660)

        #expect(scored.count == 659)
        #expect(gradeA > 0 && gradeA < 659)
        #expect(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count == 660)
        #expect(later.rows == 3341)
        #expect((later.metrics?.auc ?? 0) > 0.7)
    }

    @Test("The README source-analysis example analyzes the bundled export against the bundled model")
    func analysisExample() throws {
        let root = repositoryRoot
        let out = try makeTemporaryDirectory().appendingPathComponent("sources.json")
        // From the README, with the paths made absolute:
        let model = try ModelFile.read(from: root.appendingPathComponent("models/crm.json"))
        let scorer = try CRMScorer(model: model, threads: 2)
        let data = try scorer.readData(root.appendingPathComponent("datasets/crm"))
        let analysis = try SourceAnalysis(data: data, scorer: scorer,
                                          settings: .init(correction: .benjaminiHochberg, level: 0.05, minimumCellSize: 10))
        var flagged = 0
        for cell in analysis.repSources where cell.flag != nil { flagged += 1 }
        try SourceAnalysisFile.write(analysis, format: .json, to: out)

        #expect(analysis.sources.count == 7 && analysis.overall.sqls == 3341)
        #expect(analysis.sources.allSatisfy { $0.prediction(.heldOut) != nil && $0.costPerWonDeal != nil })
        #expect(flagged == 7)
        let decoded = try JSONDecoder().decode(SourceAnalysis.self, from: Data(contentsOf: out))
        #expect(decoded == analysis)
    }

    @Test("The README report example adds a section after the open pipeline and writes the document")
    func reportExample() throws {
        let root = repositoryRoot
        let model = try ModelFile.read(from: root.appendingPathComponent("models/crm.json"))
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        let scored = try CRMScorer(model: model).scoreOpenLeads(in: root.appendingPathComponent("datasets/crm"), asOf: asOf)
        let out = try makeTemporaryDirectory().appendingPathComponent("report.html")
        // From the README, with the output path made absolute:
        var document = ReportDocument.propensityReport(model: model, modelFile: "models/crm.json",
                                                       dataDirectory: "datasets/crm", scored: scored)
        let range = IntervalChart(name: "forecast-range", title: "Wins next quarter", summary: "P10, P50 and P90.",
                                  x: ChartAxis(title: "Wins", covering: [33, 49], includingZero: true),
                                  rows: [.init(label: "Q3", low: 33, estimate: 41, high: 49)])
        document.insert(ReportSection(id: "forecast", title: "Forecast", content: [
            .paragraph("41 wins expected (P10 33, P90 49)."), range.figure(caption: "The forecast's range."),
        ]), after: "pipeline")
        try AtomicFile.write(document.data, to: out)

        #expect(document.sections.map(\.id) == ["model-card", "coefficients", "roc", "calibration", "lift", "pipeline", "forecast"])
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.contains("<section id=\"forecast\"><h2>Forecast</h2><p>41 wins expected (P10 33, P90 49).</p><figure data-chart=\"forecast-range\">"))
        #expect(html.contains("<li><a href=\"#forecast\">Forecast</a></li></ol></nav>"))
    }
}
