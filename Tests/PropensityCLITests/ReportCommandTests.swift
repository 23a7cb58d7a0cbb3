import Foundation
import TestSupport
import Testing

/// `propensity report` run as a user runs it, on the bundled export and model; the file it
/// writes is checked against `propensity score` and the model file.
struct ReportCommandTests {
    static let crm = repositoryRoot.appending(path: "datasets/crm")
    static let model = repositoryRoot.appending(path: "models/crm.json").path

    /// Writes the report of `model` as of 2025-07-01 into a new folder.
    static func report(model: String = model) throws -> (run: CommandResult, url: URL) {
        let url = try makeTemporaryDirectory().appending(path: "report.html")
        let run = try runPropensity(["report", "--model", model, "--data", crm.path, "--as-of", "2025-07-01", "--out", url.path])
        return (run, url)
    }

    /// The bundled model's JSON with `edit` applied, written to a new file.
    static func editedModel(_ edit: (inout [String: Any]) -> Void) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        edit(&object)
        let url = try makeTemporaryDirectory().appending(path: "model.json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url.path
    }

    @Test("The bundled report: every section and chart, nothing loaded from anywhere, the pipeline as `score` scores it")
    func bundled() throws {
        let (run, url) = try Self.report()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput == "Report on 8 sections (Model card, Coefficients, ROC curve, Calibration, Lift, Open pipeline, "
            + "Forecast, Lead sources and reps), "
            + "with 659 open leads as of 2025-07-01T00:00:00Z, written to \(url.path)\n")
        #expect(run.standardError.isEmpty)
        let html = try String(contentsOf: url, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;"))
        for chart in ["forest", "roc", "calibration", "lift", "score-distribution", "forecast-wins", "forecast-revenue", "source-win-rates"] {
            #expect(html.components(separatedBy: "<figure data-chart=\"\(chart)\">").count == 2, "\(chart)")
        }
        for section in ["model-card", "coefficients", "roc", "calibration", "lift", "pipeline", "forecast", "sources"] {
            #expect(html.contains("<section id=\"\(section)\">"), "\(section)")
        }
        #expect(!html.contains("<script") && !html.contains("NaN") && !html.contains("url("))
        // The only URL is the SVG namespace, which names a vocabulary and is never fetched.
        #expect(html.components(separatedBy: "://").count - 1 == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        #expect(html.contains("AUC 0.7500 on the 668 held-out leads") || html.contains("AUC 0.7500, the chance"))

        // The histogram's bars count the scores `propensity score` writes, per score.
        let scores = try makeTemporaryDirectory().appending(path: "scores.csv")
        defer { try? FileManager.default.removeItem(at: scores.deletingLastPathComponent()) }
        let score = try runPropensity(["score", "--model", Self.model, "--data", Self.crm.path, "--as-of", "2025-07-01", "--out", scores.path])
        #expect(score.status == 0)
        let (_, byID, order) = try ScoreCommandTests.rows(scores)
        var expected = [Int](repeating: 0, count: 101)
        for id in order { expected[Int(byID[id]![4])!] += 1 }
        let bar = try Regex(#"<title>Score (\d+) \(grade [ABCD]\): (\d+) leads</title>"#)
        var drawn = [Int](repeating: 0, count: 101)
        for match in html.matches(of: bar) { drawn[Int(match.output[1].substring!)!] = Int(match.output[2].substring!)! }
        #expect(drawn == expected)
        #expect(drawn.reduce(0, +) == 659)

        // The ten most likely leads are the ten highest probabilities of the score file.
        let top = order.sorted { Double(byID[$0]![1])! > Double(byID[$1]![1])! }.prefix(10)
        let table = try #require(html.range(of: "The 10 open leads most likely to close</caption>"))
        let row = try Regex(#"<tr><td>([^<]+)</td>"#)
        let listed = html[table.upperBound...].matches(of: row).prefix(10).map { String($0.output[1].substring!) }
        #expect(listed == Array(top))
    }

    @Test("A calibrated model's report shows the reliability curves and expected calibration errors the model file holds")
    func calibratedModel() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appending(path: "isotonic.json").path
        let train = try runPropensity(["train", "--spec", Self.crm.appending(path: "spec.yaml").path, "--data", Self.crm.path,
                                       "--l2", "1", "--calibration", "isotonic", "--out", model])
        #expect(train.status == 0, "\(train.standardError)")
        let (run, url) = try Self.report(model: model)
        #expect(run.status == 0, "\(run.standardError)")
        let html = try String(contentsOf: url, encoding: .utf8)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        let calibration = object["calibration"] as! [String: Any]
        let before = calibration["before"] as! [String: Any], after = calibration["after"] as! [String: Any]
        let ece = [before, after].map { String(format: "%.4f", $0["expectedCalibrationError"] as! Double) }
        #expect(html.contains("Expected calibration error \(ece[0]) before, \(ece[1]) after."))
        #expect(html.contains("before (ECE \(ece[0]))") && html.contains("after isotonic (ECE \(ece[1]))"))
        let figure = try #require(html.range(of: "<figure data-chart=\"calibration\">"))
        let end = try #require(html.range(of: "</figure>", range: figure.upperBound..<html.endIndex))
        let dots = html[figure.upperBound..<end.lowerBound].components(separatedBy: "<circle class=\"mark\"").count - 1
        #expect(dots == (before["groups"] as! [Any]).count + (after["groups"] as! [Any]).count)
    }

    @Test("A model without validation (--holdout 0) gets a report that says what is omitted and why")
    func withoutValidation() throws {
        let model = try Self.editedModel { $0["validation"] = nil }
        let (run, url) = try Self.report(model: model)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("Note: \(model) was trained with --holdout 0, so the report has no ROC curve, "
            + "calibration or lift (nothing was held out to validate on).\nReport on 6 sections (Model card, Coefficients, "
            + "Validation, Open pipeline, Forecast, Lead sources and reps), "))
        let html = try String(contentsOf: url, encoding: .utf8)
        #expect(html.contains("<p class=\"note\">This model was trained with --holdout 0, so no leads were held out to validate "
            + "it on. The ROC curve, calibration plot and lift chart are omitted. Retrain with a holdout (the default, "
            + "--holdout 0.2) to include them, or measure the model on a later export with `propensity evaluate`.</p>"))
        #expect(!html.contains("data-chart=\"roc\"") && !html.contains("data-chart=\"lift\"") && !html.contains("data-chart=\"calibration\""))
        #expect(html.contains("data-chart=\"forest\"") && html.contains("data-chart=\"score-distribution\""))
    }

    @Test("A model file written before ROC curves were recorded: calibration and lift, and a note instead of the curve")
    func olderModelWithoutCurve() throws {
        let model = try Self.editedModel { object in
            var validation = object["validation"] as! [String: Any]
            validation["roc"] = nil
            object["validation"] = validation
        }
        let (run, url) = try Self.report(model: model)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("Note: \(model) was written before models recorded their ROC curve; retrain it to include one.\n"))
        let html = try String(contentsOf: url, encoding: .utf8)
        #expect(html.contains("<p class=\"note\">This model file was written before ROC curves were recorded; retrain the model to include it.</p>"))
        #expect(!html.contains("data-chart=\"roc\"") && html.contains("data-chart=\"calibration\"") && html.contains("data-chart=\"lift\""))
    }

    @Test("A flat-table model is refused with what to do instead; a bad --as-of is refused; nothing is written")
    func refusals() throws {
        let flat = repositoryRoot.appending(path: "models/flat-sqls.json").path
        let (run, url) = try Self.report(model: flat)
        #expect(run.status != 0)
        #expect(run.standardError == "Error: \(flat) was trained on a flat table, which cannot score the open leads of a CRM export. "
            + "Train a model with --spec on a CRM export for a report; `propensity inspect \(flat)` prints this model's card and "
            + "coefficients.\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path).isEmpty)

        let asOf = try runPropensity(["report", "--model", Self.model, "--data", Self.crm.path, "--as-of", "July", "--out", url.path])
        #expect(asOf.status != 0)
        #expect(asOf.standardError.hasPrefix("Error: --as-of must be an ISO 8601 date or instant, such as 2025-07-01 or 2025-07-01T09:00:00Z, not `July`.\n"))
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
