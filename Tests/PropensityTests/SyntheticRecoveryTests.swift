import Foundation
import Propensity
import TestSupport
import Testing

/// Train through the spec on a generated export and recover what the generator put in: the
/// signs of the known effects, and, on a second export from the same model, an AUC within 0.02
/// of the true model's.
@Suite(.serialized)
struct SyntheticRecoveryTests {
    struct Effect: Decodable {
        let column: String
        let coefficient: Double
    }
    struct Effects: Decodable {
        let effects: [Effect]
    }

    /// A generated export in a new folder.
    static func generate(leads: Int, seed: UInt64) throws -> URL {
        let directory = try makeTemporaryDirectory()
        _ = try CRMGenerator(leads: leads, seed: seed).write(to: directory)
        return directory
    }

    /// The true probabilities of `truth.csv`, by lead id.
    static func truth(_ directory: URL) throws -> [String: Double] {
        var result: [String: Double] = [:]
        let reader = try CSVReader(contentsOf: directory.appending(path: "truth.csv"))
        try reader.forEachRecord { record in result[record[0]] = record.double(at: 1) }
        return result
    }

    @Test("signs of the known effects, and the true model's AUC within 0.02 on a second export")
    func recovery() throws {
        let training = try Self.generate(leads: 20_000, seed: 11)
        let spec = try FeatureSpec(contentsOf: training.appending(path: "spec.yaml"))
        // Recovery of the generator's effects: every closed lead is fitted, none held out.
        let result = try CRMTrainer(regression: LogisticRegression(l2: 1), holdoutFraction: 0, threads: 2)
            .train(spec: spec, directory: training)
        let model = result.model
        #expect(model.fit.converged)

        // Every main effect of at least 0.3 comes out with its sign (interactions and small
        // effects are too noisy at this size to ask for).
        let effects = try JSONDecoder().decode(Effects.self, from: Data(contentsOf: training.appending(path: "effects.json")))
        let estimates = Dictionary(uniqueKeysWithValues: model.fit.coefficientTable.map { ($0.name, $0.estimate) })
        let checked = effects.effects.filter { abs($0.coefficient) >= 0.3 && !$0.column.contains("*") }
        #expect(checked.count >= 10)
        for effect in checked {
            let estimate = try #require(estimates[effect.column], "no model column \(effect.column)")
            #expect(estimate.sign == effect.coefficient.sign, "\(effect.column): true \(effect.coefficient), fitted \(estimate)")
        }

        // The leak the generator planted is the first warning.
        #expect(result.leakage.warnings.first?.subject == "forecast_category")

        // A second export from the same model, scored through the model's own spec.
        let holdout = try Self.generate(leads: 20_000, seed: 12)
        guard case .crm(let pipeline) = model.input else { Issue.record("not a CRM model"); return }
        let data = try CRMDataSet(spec: pipeline.spec, directory: holdout)
        let raw = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil))
        let rows = (0..<data.leadCount).filter { data.outcomes[$0].isClosed }
        let labels = rows.map { data.outcomes[$0] == .won ? 1.0 : 0.0 }
        let fitted = model.fit.probabilities(pipeline.matrix(raw, rows: rows))
        let truth = try Self.truth(holdout)
        let trueProbabilities = rows.map { truth[data.leadID(at: $0)]! }
        let modelAUC = try #require(ClassificationMetrics(probabilities: fitted, labels: labels)).auc
        let trueAUC = try #require(ClassificationMetrics(probabilities: trueProbabilities, labels: labels)).auc
        #expect(abs(modelAUC - trueAUC) <= 0.02, "model AUC \(modelAUC), true model AUC \(trueAUC)")
    }

    @Test("a feature built from an outcome-time column the spec forgot is flagged as separating won from lost")
    func featureLeak() throws {
        let directory = try Self.generate(leads: 3_000, seed: 5)
        var text = try String(contentsOf: directory.appending(path: "spec.yaml"), encoding: .utf8)
        text += "  - name: forecast\n    categorical: forecast_category\n"
        let spec = try FeatureSpec(text: text, file: "spec.yaml")
        let result = try CRMTrainer(regression: LogisticRegression(l2: 1)).train(spec: spec, directory: directory)
        let separation = result.leakage.warnings.filter { $0.kind == .separation }.map(\.subject)
        #expect(separation.contains { $0.hasPrefix("forecast=") })
        #expect(!separation.contains { $0.hasPrefix("bant_") || $0.hasPrefix("source=") })
    }
}
