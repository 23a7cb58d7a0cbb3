import Features
import Foundation
import Scoring
import TestSupport
import ModelExport
import Training

/// The models the engines score, each with its features file: the bundled CRM model, models
/// of every encoding with each calibration, and the bundled flat-table model.
public struct ExportCase: Sendable {
    public let name: String
    public let model: PropensityModel
    /// The features file: `score_probability` and the inputs.
    public let features: URL
    /// Each column of the features file: `number` or `text`.
    public let columns: [String: String]
    public let rows: Int

    public var formula: ScoringFormula { ScoringFormula(model: model) }

    public static let crm = repositoryRoot.appending(path: "datasets/crm")
    public static let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)

    /// Every case, its files written to `directory`.
    public static func all(in directory: URL) throws -> [ExportCase] {
        var cases = [try crmCase("bundled", model: try ModelFile.read(from: repositoryRoot.appending(path: "models/crm.json")),
                                 in: directory)]
        for calibration in [nil, Calibrator.Method.platt, .isotonic] {
            let model = try CRMTrainer(regression: LogisticRegression(l2: 1), calibration: calibration)
                .train(spec: try richSpec(), directory: crm).model
            cases.append(try crmCase("every-encoding-\(calibration?.rawValue ?? "uncalibrated")", model: model, in: directory))
        }
        cases.append(try flatCase(in: directory))
        return cases
    }

    /// A CRM model's open leads as of 2025-07-01, written by `FeatureValuesFile`.
    public static func crmCase(_ name: String, model: PropensityModel, in directory: URL) throws -> ExportCase {
        let scored = try CRMScorer(model: model).scoreOpenLeads(in: crm, asOf: asOf)
        let url = directory.appending(path: "\(name).csv")
        try FeatureValuesFile.write(scored, to: url)
        var columns = ["lead_id": "text", "score_probability": "number"]
        for input in ScoringFormula(model: model).inputs { columns[input.name] = input.kind.rawValue }
        return ExportCase(name: name, model: model, features: url, columns: columns, rows: scored.count)
    }

    /// The bundled flat table with the bundled flat model's probability of each row.
    public static func flatCase(in directory: URL) throws -> ExportCase {
        let model = try ModelFile.read(from: repositoryRoot.appending(path: "models/flat-sqls.json"))
        guard case .flatTable(let label, _, let encoding) = model.input else { throw CaseError() }
        let source = repositoryRoot.appending(path: "datasets/flat/sqls.csv")
        let table = try FlatTable(contentsOf: source, categorical: encoding.categoricalColumns)
        let p = model.fit.probabilities(try encoding.encode(table))
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        var text = lines[0] + ",score_probability\n"
        for (line, probability) in zip(lines.dropFirst(), p) { text += line + ",\(probability)\n" }
        let url = directory.appending(path: "flat.csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        var columns = [label.column: "text", "score_probability": "number"]
        for input in ScoringFormula(model: model).inputs { columns[input.name] = input.kind.rawValue }
        for name in lines[0].split(separator: ",").map(String.init) where columns[name] == nil { columns[name] = "text" }
        return ExportCase(name: "flat", model: model, features: url, columns: columns, rows: p.count)
    }

    /// The bundled spec plus features of every other kind and basis
    /// (`Tests/Fixtures/export/extra-features.yaml`).
    public static func richSpec() throws -> FeatureSpec {
        let bundled = try String(contentsOf: repositoryRoot.appending(path: "datasets/crm/spec.yaml"), encoding: .utf8)
        let extra = try String(contentsOf: fixturesDirectory.appending(path: "export/extra-features.yaml"), encoding: .utf8)
        return try FeatureSpec(text: bundled + extra, file: "spec.yaml")
    }

    struct CaseError: Error {}
}
