import Foundation
import TestSupport
import Testing

/// `propensity train` and `propensity inspect` as a user runs them: real files, a real process.
struct TrainCommandTests {
    static let degenerate = fixturesDirectory.appendingPathComponent("degenerate")

    @Test("Training on the Spector table reproduces statsmodels through the command line")
    func spectorEndToEnd() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try ReferenceFixture.load("spector_logit")
        let model = directory.appendingPathComponent("spector.json").path
        let train = try runPropensity(["train", "--data", fixturesDirectory.appendingPathComponent(fixture.data).path,
                                       "--label", "GRADE", "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.contains("Logistic regression of GRADE"))
        #expect(train.standardOutput.hasSuffix("Model written to \(model)\n"))

        let report = try inspectReport(model)
        #expect(relativeError(report.intercept, fixture.intercept) <= 1e-6)
        #expect(maxRelativeError(fixture.featureNames.map { report.coefficients[$0]! }, fixture.coefficients) <= 1e-6)
        #expect(relativeError(report.standardErrors["intercept"]!, fixture.standardErrors.intercept) <= 1e-5)
        #expect(maxRelativeError(fixture.featureNames.map { report.standardErrors[$0]! }, fixture.standardErrors.coefficients) <= 1e-5)
        #expect(abs(report.logLikelihood - fixture.logLikelihood) <= 1e-9)
        #expect(report.converged && report.iterations > 0)

        let table = try runPropensity(["inspect", model])
        #expect(table.standardOutput == train.standardOutput.replacingOccurrences(of: "Model written to \(model)\n", with: ""))
        // statsmodels prints PSI: coef 2.3787, std err 1.065, z 2.234, P>|z| 0.025, [0.292, 4.465].
        #expect(table.standardOutput.contains("\nPSI                         2.3787     1.0646      2.234      0.025     0.2922     4.4652    10.7907\n"))
    }

    @Test("Weights, a penalty and --no-standardize reach the trainer")
    func weightedPenalized() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try ReferenceFixture.load("weighted_l2")
        let model = directory.appendingPathComponent("m.json").path
        let train = try runPropensity(["train", "--data", fixturesDirectory.appendingPathComponent(fixture.data).path,
                                       "--label", "y", "--weight", "w", "--l2", "\(fixture.lambda)", "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        let report = try inspectReport(model)
        #expect(maxRelativeError(fixture.featureNames.map { report.coefficients[$0]! }, fixture.coefficients) <= 1e-6)

        let raw = try ReferenceFixture.load("synthetic_l2_c1")
        let rawTrain = try runPropensity(["train", "--data", fixturesDirectory.appendingPathComponent(raw.data).path,
                                          "--label", "y", "--l2", "1", "--no-standardize", "--out", model])
        #expect(rawTrain.status == 0, "\(rawTrain.standardError)")
        let rawReport = try inspectReport(model)
        #expect(relativeError(rawReport.intercept, raw.intercept) <= 1e-6)
    }

    @Test("Text labels need --positive; categorical columns are one-hot with the most frequent level as reference")
    func textLabelsAndCategories() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("leads.csv")
        // source: web ×4 (the reference), event ×3, partner ×3.
        try """
            source,amount,outcome
            web,10,won
            web,20,lost
            event,15,won
            partner,30,lost
            web,25,lost
            event,12,lost
            partner,18,won
            web,22,won
            event,40,lost
            partner,35,won

            """.write(to: csv, atomically: true, encoding: .utf8)
        let model = directory.appendingPathComponent("m.json").path
        let noPositive = try runPropensity(["train", "--data", csv.path, "--label", "outcome", "--out", model])
        #expect(noPositive.status != 0)
        #expect(noPositive.standardError == "Error: The label `outcome` on line 2 of leads.csv is `won`; labels must be 0/1 or true/false. "
            + "For text outcomes, name the winning value with --positive (for example --positive won).\n")
        let wrongPositive = try runPropensity(["train", "--data", csv.path, "--label", "outcome", "--positive", "Won", "--out", model])
        #expect(wrongPositive.standardError == "Error: The positive value `Won` never occurs in column `outcome` of leads.csv. "
            + "Values seen: `lost`, `won`.\n")
        let ok = try runPropensity(["train", "--data", csv.path, "--label", "outcome", "--positive", "won", "--l2", "1", "--out", model])
        #expect(ok.status == 0, "\(ok.standardError)")
        let report = try inspectReport(model)
        #expect(Set(report.coefficients.keys) == ["source=event", "source=partner", "amount"])

        let excluded = try runPropensity(["train", "--data", csv.path, "--label", "outcome", "--positive", "won", "--l2", "1",
                                          "--exclude", "amount", "--out", model])
        #expect(excluded.status == 0, "\(excluded.standardError)")
        let withoutAmount = try inspectReport(model)
        #expect(Set(withoutAmount.coefficients.keys) == ["source=event", "source=partner"])
        let unknown = try runPropensity(["train", "--data", csv.path, "--label", "outcome", "--positive", "won",
                                         "--exclude", "lead_id", "--out", model])
        #expect(unknown.standardError == "Error: leads.csv has no column `lead_id` (named as the --exclude column). "
            + "Its columns are: `source`, `amount`, `outcome`.\n")
    }

    @Test("Bad input exits non-zero with the exact message and writes no model", arguments: [
        ("bad_number.csv", "Column `amount` on line 6 of bad_number.csv is not a number: `12,5O0`. Fix the value (write numbers "
            + "like 12500 or 0.25, without thousands separators), or pass --categorical amount if the column holds text."),
        ("ragged.csv", "ragged.csv, line 4: expected 3 fields as in the header, found 2. Every row needs one value per column; "
            + "quote values that contain commas."),
        ("nonfinite.csv", "Column `amount` on line 3 of nonfinite.csv is `inf`, which is not a finite number. Replace it with a "
            + "real value or remove the row."),
        ("separated.csv", "The features separate won from lost perfectly, so the unpenalized maximum-likelihood coefficients are "
            + "infinite. Set an L2 penalty (for example --l2 1), or look for a feature that leaks the outcome."),
        ("quasi_separated.csv", "Quasi-complete separation: 4 rows are fitted with a probability within 1e-10 of their outcome "
            + "(largest coefficient on `x`), so the unpenalized maximum-likelihood coefficients are infinite. Set an L2 penalty "
            + "(for example --l2 1), or look for a feature that leaks the outcome."),
        ("collinear.csv", "Column `c` is a linear combination of other columns (c ≈ 1·`a` + 2·`b` + constant), so its coefficient "
            + "is not identifiable without a penalty. Remove one of these columns or set an L2 penalty (--l2)."),
        ("constant.csv", "Column `region_code` (always 7) is constant and cannot inform the model; remove it."),
        ("single_class.csv", "All 6 rows have the label lost (0); a model needs both won and lost examples."),
        ("few_rows.csv", "There are 3 rows but 6 parameters to estimate (coefficients and intercept); an unpenalized fit needs "
            + "more rows than parameters. Add rows, drop features, or set an L2 penalty (--l2)."),
    ])
    func badInput(file: String, message: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("model.json")
        let result = try runPropensity(["train", "--data", Self.degenerate.appendingPathComponent(file).path,
                                        "--label", "won", "--out", model.path])
        #expect(result.status != 0)
        #expect(result.standardError == "Error: \(message)\n")
        #expect(result.standardOutput.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("A missing file, a missing label column and a failed run leave an existing model untouched")
    func missingInputs() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("model.json")
        try Data("previous model".utf8).write(to: model)
        let missingFile = try runPropensity(["train", "--data", directory.appendingPathComponent("nope.csv").path,
                                             "--label", "won", "--out", model.path])
        #expect(missingFile.status != 0)
        #expect(missingFile.standardError.hasPrefix("Error: Cannot read \(directory.appendingPathComponent("nope.csv").path): "))
        let missingLabel = try runPropensity(["train", "--data", Self.degenerate.appendingPathComponent("separated.csv").path,
                                              "--label", "outcome", "--out", model.path])
        #expect(missingLabel.standardError == "Error: separated.csv has no column `outcome` (named as the label). Its columns are: `x`, `won`.\n")
        #expect(try String(contentsOf: model, encoding: .utf8) == "previous model")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.json"])
    }

    @Test("Invalid options are rejected before any work")
    func invalidOptions() throws {
        let result = try runPropensity(["train", "--data", "x.csv", "--label", "y", "--l2=-1", "--out", "m.json"])
        #expect(result.status != 0)
        #expect(result.standardError.hasPrefix("Error: --l2 must be a finite number ≥ 0 or `auto`, not -1.\n"))
    }

    @Test("inspect explains files that are not models")
    func inspectErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("notes.json")
        try Data("{\"hello\": 1}".utf8).write(to: file)
        let result = try runPropensity(["inspect", file.path])
        #expect(result.status != 0)
        #expect(result.standardError == "Error: \(file.path) is not a Propensity model file (no \"format\": \"propensity-model\" in a JSON "
            + "object). Pass a file written by `propensity train --out`.\n")
    }
}
