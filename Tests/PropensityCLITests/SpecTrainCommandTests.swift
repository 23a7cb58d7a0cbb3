import Foundation
import TestSupport
import Testing

/// `propensity train --spec` on the bundled CRM export, as a user runs it, and its errors.
struct SpecTrainCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")

    @Test("the README's main command writes the bundled model again, and inspect reads it")
    func bundledExport() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appending(path: "crm.json").path
        let train = try runPropensity(["train", "--spec", Self.crm.appending(path: "spec.yaml").path,
                                       "--data", Self.crm.path, "--l2", "1", "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.hasPrefix("Model card\n"))
        #expect(train.standardOutput.contains("\nLogistic regression of outcome ∈ {won}\n"))
        #expect(train.standardOutput.contains(
            "Trained on 2673 of 3341 closed leads (of 4000 leads), with 135829 events; 668 most recently closed held out for validation.\n"))
        #expect(train.standardOutput.contains(
            "\nValidation:           668 most recently closed leads held out, closed 2025-03-25 to 2025-06-30; 223 won\n"))
        #expect(train.standardOutput.contains("Possible leaks, most suspicious first:\n  - Column `forecast_category` is filled for 100% of closed leads but 0% of open leads."))

        let report = try inspectReport(model)
        let bundled = try inspectReport(repositoryRoot.appending(path: "models/crm.json").path)
        #expect(report.featureNames == bundled.featureNames)
        #expect(report.featureNames.prefix(5) == ["buying_team_14d", "finance_read_justification", "speed_to_lead",
                                                  "speed_to_lead:missing", "engagement"])
        #expect(report.observations == 2673)
        #expect(report.converged)
        for name in report.featureNames {
            #expect(abs(report.coefficients[name]! - bundled.coefficients[name]!) <= 1e-9 * max(1, abs(bundled.coefficients[name]!)))
        }
        let inspect = try runPropensity(["inspect", model])
        #expect(inspect.status == 0)
        #expect(inspect.standardOutput.contains("\nbuying_team_14d "))
    }

    @Test("--l2 auto picks the penalty by time-ordered cross-validation; below the class floor nothing is written")
    func autoPenaltyAndFloor() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = Self.crm.appending(path: "spec.yaml").path
        let model = directory.appending(path: "auto.json").path
        let auto = try runPropensity(["train", "--spec", spec, "--data", Self.crm.path, "--l2", "auto", "--out", model])
        #expect(auto.status == 0, "\(auto.standardError)")
        #expect(auto.standardOutput.contains("\nPenalty:              λ = "))
        #expect(auto.standardOutput.contains(", chosen by time-ordered cross-validation\n"
            + "                      (5 folds, 2228 leads scored; log-loss "))
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
        let search = try #require(object["penaltySearch"] as? [String: Any])
        let chosen = try #require(search["chosen"] as? Double)
        #expect(((search["candidates"] as? [[String: Any]]) ?? []).compactMap { $0["l2"] as? Double }.contains(chosen))
        #expect(try inspectReport(model).l2 == chosen)

        let refused = directory.appending(path: "refused.json").path
        let floor = try runPropensity(["train", "--spec", spec, "--data", Self.crm.path, "--l2", "1",
                                       "--min-class-count", "1100", "--out", refused])
        #expect(floor.status != 0)
        #expect(floor.standardError == "Error: leads.csv has 813 won and 1860 lost closed leads to fit on (besides the 668 "
            + "most recently closed, held out); training needs at least 1100 of each (won: won; lost: lost). "
            + "Add more history, check the label values in the spec, or lower the floor with --min-class-count.\n")
        #expect(!FileManager.default.fileExists(atPath: refused))

        let flat = try runPropensity(["train", "--data", "x.csv", "--label", "y", "--l2", "auto", "--out", refused])
        #expect(flat.standardError.hasPrefix("Error: --l2 auto needs --spec: it cross-validates in time order"))
    }

    @Test("--calibration is refused, saying why, without held-out leads to fit it on or without --spec")
    func calibrationNeedsHeldOutLeads() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appending(path: "m.json").path
        let spec = Self.crm.appending(path: "spec.yaml").path
        let noHoldout = try runPropensity(["train", "--spec", spec, "--data", Self.crm.path, "--holdout", "0",
                                           "--calibration", "platt", "--out", model])
        #expect(noHoldout.status != 0)
        #expect(noHoldout.standardError.hasPrefix("Error: --calibration platt is fitted on the held-out leads, and --holdout 0 "
            + "holds none out. Keep a holdout (the default is 0.2), or train without --calibration.\n"))
        let tiny = try runPropensity(["train", "--spec", spec, "--data", Self.crm.path, "--holdout", "0.0001",
                                      "--calibration", "isotonic", "--out", model])
        #expect(tiny.status != 0)
        #expect(tiny.standardError == "Error: Calibration is fitted on the held-out leads, and 0 held out are too few (it needs "
            + "at least 2). Hold out more of the closed leads with --holdout, or train without --calibration.\n")
        let flat = try runPropensity(["train", "--data", "x.csv", "--label", "y", "--calibration", "isotonic", "--out", model])
        #expect(flat.standardError.hasPrefix("Error: --calibration needs --spec: it is fitted on the most recently closed leads, "
            + "held out, which a flat table does not have.\n"))
        #expect(!FileManager.default.fileExists(atPath: model))
    }

    @Test("spec and data errors exit non-zero with the place and write no model")
    func errors() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appending(path: "m.json")
        let spec = directory.appending(path: "spec.yaml")
        var text = try String(contentsOf: Self.crm.appending(path: "spec.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "    categorical: bant_need\n", with: "    categorical: bant_ned\n")
        try Data(text.utf8).write(to: spec)
        let missingColumn = try runPropensity(["train", "--spec", spec.path, "--data", Self.crm.path, "--out", model.path])
        #expect(missingColumn.status != 0)
        #expect(missingColumn.standardError.hasPrefix(
            "Error: leads.csv, column `bant_ned` (features[8] (bant_need)): the spec names this column, which the file lacks."))
        #expect(!FileManager.default.fileExists(atPath: model.path))

        try Data("version: 1\nfeatures: [\n".utf8).write(to: spec)
        let syntax = try runPropensity(["train", "--spec", spec.path, "--data", Self.crm.path, "--out", model.path])
        #expect(syntax.status != 0)
        #expect(syntax.standardError.hasPrefix("Error: spec.yaml, line 3, column 1: the spec is not valid YAML or JSON"))

        let flatOption = try runPropensity(["train", "--spec", spec.path, "--data", Self.crm.path, "--label", "outcome",
                                            "--out", model.path])
        #expect(flatOption.status != 0)
        #expect(flatOption.standardError.contains("--label is for flat tables; with --spec, the spec defines the label and the features."))
        #expect(!FileManager.default.fileExists(atPath: model.path))
    }

    @Test("a flat table without ids, timestamps or events trains through a spec as it does without one")
    func flatTableThroughASpec() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let flat = repositoryRoot.appending(path: "datasets/flat")
        let numeric = ["employees", "annual_revenue", "amount", "bant_budget", "bant_authority", "bant_need", "bant_timeline",
                       "contacts_engaged_14d", "finance_read_roi_paper", "hours_to_first_touch", "sales_touches"]
        let spec = """
            version: 1
            tables:
              leads: {file: sqls.csv, outcome: outcome}
            label: {won: [won], lost: [lost]}
            features:
              - {name: source, categorical: source, min_count: 1}
              - {name: industry, categorical: industry, min_count: 1}
              - {name: region, categorical: region, min_count: 1}

            """ + numeric.map { "  - {name: \($0), numeric: \($0)}\n" }.joined()
        try Data(spec.utf8).write(to: directory.appending(path: "spec.yaml"))
        let specModel = directory.appending(path: "spec.json").path
        let flatModel = directory.appending(path: "flat.json").path
        let viaSpec = try runPropensity(["train", "--spec", directory.appending(path: "spec.yaml").path, "--data", flat.path,
                                         "--l2", "1", "--holdout", "0", "--out", specModel])
        #expect(viaSpec.status == 0, "\(viaSpec.standardError)")
        #expect(viaSpec.standardOutput.contains("Trained on 5000 of 5000 closed leads (of 5000 leads), with 0 events; 0 most recently closed held out for validation.\n"))
        let direct = try runPropensity(["train", "--data", flat.appending(path: "sqls.csv").path, "--label", "outcome",
                                        "--positive", "won", "--l2", "1", "--out", flatModel])
        #expect(direct.status == 0, "\(direct.standardError)")
        let a = try inspectReport(specModel), b = try inspectReport(flatModel)
        #expect(Set(a.featureNames) == Set(b.featureNames))
        #expect(abs(a.intercept - b.intercept) <= 1e-8)
        for name in b.featureNames {
            #expect(abs(a.coefficients[name]! - b.coefficients[name]!) <= 1e-8 * max(1, abs(b.coefficients[name]!)), "\(name)")
        }
    }
}
