import Foundation
import Propensity
import TestSupport
import Testing

/// `train --calibration` on the bundled export, then `score`, `evaluate` and `explain` with the
/// calibrated model, checked against the model's own probabilities put through the stored
/// calibrator by hand.
struct CalibrationEndToEndTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")

    /// Trains on the bundled export with `--calibration method` into a new folder.
    static func train(_ method: String) throws -> (folder: URL, model: URL) {
        let folder = try makeTemporaryDirectory()
        let model = folder.appending(path: "model.json")
        let run = try runPropensity(["train", "--spec", crm.appending(path: "spec.yaml").path, "--data", crm.path, "--l2", "1",
                                     "--calibration", method, "--out", model.path])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("Calibration:"))
        return (folder, model)
    }

    /// The same model without its calibration: the model's own probabilities.
    static func uncalibrated(_ model: PropensityModel) -> PropensityModel {
        PropensityModel(input: model.input, fit: model.fit, trainingMetrics: model.trainingMetrics, validation: model.validation,
                        penaltySearch: model.penaltySearch, grades: model.grades, trainingData: model.trainingData)
    }

    static func logit(_ p: Double) -> Double { log(p / (1 - p)) }

    @Test("score writes the calibrator applied to the model's own probabilities and range ends, and scores and grades from them",
          arguments: ["isotonic", "platt"])
    func scoresAreCalibrated(method: String) throws {
        let (folder, modelURL) = try Self.train(method)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try ModelFile.read(from: modelURL)
        let calibration = try #require(model.calibration)
        #expect(calibration.calibrator.method.rawValue == method)
        let out = folder.appending(path: "scores.csv")
        let run = try runPropensity(["score", "--model", modelURL.path, "--data", Self.crm.path, "--as-of", "2025-07-01",
                                     "--out", out.path])
        #expect(run.status == 0, "\(run.standardError)")

        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        let own = try CRMScorer(model: Self.uncalibrated(model)).scoreOpenLeads(in: Self.crm, asOf: asOf)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(lines.count == own.count)
        let c = calibration.calibrator
        for (k, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields[0] == own.leadID(k))
            // The file holds 6 decimals; the model's own values are exact.
            let p = c.probability(logOdds: Self.logit(own.scores.probability[k]))
            let low = c.probability(logOdds: Self.logit(own.scores.low[k]))
            let high = c.probability(logOdds: Self.logit(own.scores.high[k]))
            for (text, expected) in zip(fields[1...3], [p, low, high]) {
                #expect(abs(Double(text)! - expected) <= 5e-7 + 1e-9, "\(fields[0]): \(text) vs \(expected)")
            }
            let score = Int(fields[4])!
            #expect(abs(Double(score) - 100 * p) <= 0.5 + 1e-6)
            let g = model.grades
            #expect(fields[5] == (score >= g.a ? "A" : score >= g.b ? "B" : score >= g.c ? "C" : "D"))
        }
    }

    @Test("the calibrator is fitted on the held-out leads, and on them its expected calibration error is at most the model's",
          arguments: ["isotonic", "platt"])
    func fittedOnTheHeldOutLeads(method: String) throws {
        let (folder, modelURL) = try Self.train(method)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try ModelFile.read(from: modelURL)
        let calibration = try #require(model.calibration)
        // The held-out leads, recomputed: the most recently closed 20% of the closed leads.
        let scorer = try CRMScorer(model: Self.uncalibrated(model))
        let data = try scorer.readData(Self.crm)
        let closed = CRMTrainer.closedLeadsByCloseDate(data)
        let held = Array(closed.suffix(Int((0.2 * Double(closed.count)).rounded())))
        let scored = try scorer.scoreClosedLeads(of: data)
        let probabilityOf = Dictionary(uniqueKeysWithValues: zip(scored.leads, scored.probabilities))
        let p = held.map { probabilityOf[$0]! }
        let y = held.map { data.outcomes[$0] == .won ? 1.0 : 0.0 }
        #expect(calibration.rows == held.count && calibration.wins == Int(y.reduce(0, +)))

        let refit = try Calibrator(fitting: calibration.calibrator.method, logOdds: p.map(Self.logit), labels: y)
        let grid = stride(from: -6.0, through: 6.0, by: 0.01).map { $0 }
        #expect(maxRelativeError(grid.map { refit.probability(logOdds: $0) },
                                 grid.map { calibration.calibrator.probability(logOdds: $0) }) <= 1e-9)

        let before = try #require(CalibrationTable(probabilities: p, labels: y)).expectedCalibrationError
        let inSample = try #require(CalibrationTable(probabilities: p.map { calibration.calibrator.probability(logOdds: Self.logit($0)) },
                                                     labels: y)).expectedCalibrationError
        #expect(abs(calibration.before.expectedCalibrationError - before) <= 1e-12)
        #expect(inSample <= before)
        print("\(method): ECE before \(before), after in-sample \(inSample), after cross-fitted \(calibration.after.expectedCalibrationError)")
    }

    @Test("evaluate and explain use the calibrated probabilities", arguments: ["platt"])
    func evaluateAndExplain(method: String) throws {
        let (folder, modelURL) = try Self.train(method)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try ModelFile.read(from: modelURL)
        let c = try #require(model.calibration).calibrator

        let scorer = try CRMScorer(model: Self.uncalibrated(model))
        let data = try scorer.readData(Self.crm)
        let scored = try scorer.scoreClosedLeads(of: data)
        let y = scored.leads.map { data.outcomes[$0] == .won ? 1.0 : 0.0 }
        let expected = try #require(CalibrationTable(probabilities: scored.probabilities.map { c.probability(logOdds: Self.logit($0)) },
                                                     labels: y))
        let run = try runPropensity(["evaluate", "--model", modelURL.path, "--data", Self.crm.path, "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let table = try #require(json["calibration"] as? [String: Any])
        #expect(abs((table["expectedCalibrationError"] as! Double) - expected.expectedCalibrationError) <= 1e-9)

        let lead = data.leadID(at: scored.leads[0])
        let explained = try runPropensity(["explain", "--model", modelURL.path, "--data", Self.crm.path, "--lead", lead, "--json"])
        #expect(explained.status == 0, "\(explained.standardError)")
        let e = try #require(JSONSerialization.jsonObject(with: Data(explained.standardOutput.utf8)) as? [String: Any])
        let logOdds = e["logOdds"] as! Double
        #expect(abs((e["probability"] as! Double) - c.probability(logOdds: logOdds)) <= 1e-12)
        #expect(abs((e["modelProbability"] as! Double) - 1 / (1 + exp(-logOdds))) <= 1e-12)
        #expect(e["calibration"] as? String == method)
    }
}
