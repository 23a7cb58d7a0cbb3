import ExportTestSupport
import Features
import Foundation
import Scoring
import TestSupport
import Testing
import Training

@testable import ModelExport

/// The formulas reproduce every encoding exactly, and a whole model's probabilities to 1e-12.
struct ScoringFormulaTests {
    /// The columns of `formulas` for one value of input `x`.
    private func evaluate(_ value: NamedFormulaAndColumns, number: Double) -> [Double] {
        let row = FormulaRow(numbers: number.isNaN ? [:] : ["x": number])
        let derived = [value.value.name: value.value.formula.value(row)]
        return value.columns.map { $0.value(row, derived: derived) }
    }

    private typealias NamedFormulaAndColumns = (value: ScoringFormula.NamedFormula, columns: [Formula])

    @Test("numeric formulas equal the encoding for every transform, clip, basis and missing policy",
          arguments: [
              NumericOptions(),
              NumericOptions(transform: .log1p),
              NumericOptions(transform: .log1p, clipLower: 0.5, clipUpper: 4),
              NumericOptions(clipLower: -2, missing: .zero),
              NumericOptions(clipUpper: 30, basis: .quantileBins(5)),
              NumericOptions(transform: .log1p, basis: .quantileBins(4), missing: .zero),
              NumericOptions(basis: .naturalSpline(knots: 3)),
              NumericOptions(transform: .log1p, clipUpper: 3.5, basis: .naturalSpline(knots: 5)),
              NumericOptions(clipLower: 1, basis: .naturalSpline(knots: 7), missing: .zero),
          ])
    func numeric(options: NumericOptions) throws {
        var random = SeededGenerator(seed: 17)
        // Long-tailed amounts and counts with ties, negatives above -1, and missing values.
        var training = (0..<400).map { _ in exp(2 * random.nextGaussian()) - 0.5 }
        training += (0..<200).map { _ in (exp(2 * random.nextGaussian()) - 0.5).rounded() }
        training += (0..<40).map { _ in Double.random(in: -0.99..<0, using: &random) }
        training += [Double](repeating: .nan, count: 25)
        let encoding = try NumericEncoding(name: "x", options: options, fitting: training)
        let formulas = ScoringFormula.columns(of: encoding)
        #expect(formulas.columns.count == encoding.width)

        var probes = training + encoding.binEdges + encoding.knots + encoding.binEdges.map(\.nextUp)
        probes += encoding.knots.map(\.nextDown) + [.nan, -1, -1.5, -1e9, -0.999_999, 0, 0.5, 1e12, 3.5, 4, 30]
        if options.transform == .log1p { probes += encoding.knots.map(expm1) + encoding.binEdges.map(expm1) }
        var encoded = [Double](repeating: .nan, count: encoding.width)
        for x in probes {
            // The encoder needs log1p's domain of a training value only; at scoring time a value
            // of -1 or less is missing, as it is in the formula.
            encoding.encode(x, into: &encoded, at: 0)
            #expect(evaluate(formulas, number: x) == encoded, "x = \(x)")
        }
    }

    @Test("categorical formulas equal the encoding: levels, the reference, other, missing and unseen values")
    func categorical() throws {
        let values: [String?] = Array(repeating: "a", count: 30) + Array(repeating: "b", count: 12)
            + Array(repeating: nil, count: 9) + ["rare", "other", "c", "c", "c", "c", "c"]
        for (minCount, data) in [(1, values), (5, values), (10, values), (5, values.map { $0 ?? "(missing)" })] {
            let encoding = try CategoricalEncoding(name: "s", minCount: minCount, fitting: data)
            let formulas = ScoringFormula.columns(of: encoding)
            var encoded = [Double](repeating: .nan, count: encoding.width)
            for probe in ["a", "b", "c", "rare", "other", "(missing)", "never seen", "", nil] as [String?] {
                encoding.encode(probe, into: &encoded, at: 0)
                let row = FormulaRow(texts: probe.map { ["s": $0] } ?? [:])
                #expect(formulas.map { $0.value(row) } == encoded, "minCount \(minCount), value \(probe ?? "nil")")
            }
        }
    }

    @Test("a whole model's probabilities from its formulas equal score's to 1e-12, with and without calibration",
          arguments: [nil, Calibrator.Method.platt, .isotonic])
    func wholeModel(calibration: Calibrator.Method?) throws {
        let crm = repositoryRoot.appending(path: "datasets/crm")
        let result = try CRMTrainer(regression: LogisticRegression(l2: 1), calibration: calibration)
            .train(spec: try ExportCase.richSpec(), directory: crm)
        let formula = ScoringFormula(model: result.model)
        #expect(formula.columns.map(\.name) == result.model.input.featureNames)
        #expect(formula.inputs.filter { $0.name.hasPrefix("country_hash[") }.count == 8)
        let names = Set(result.model.input.featureNames)
        #expect(names.isSuperset(of: ["industry_pooled=other", "revenue_spline[4]", "days_to_sal:missing", "employees_bins[4]"]))

        let scored = try CRMScorer(model: result.model).scoreOpenLeads(in: crm, asOf: Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!))
        #expect(scored.count > 100)
        var largest = 0.0
        for k in 0..<scored.count {
            let p = formula.probability(Self.row(scored, k))
            largest = max(largest, abs(p - scored.scores.probability[k]))
        }
        #expect(largest <= 1e-12)
    }

    /// Lead `k`'s inputs, as `FeatureValuesFile` writes them.
    static func row(_ scored: ScoredLeads, _ k: Int) -> FormulaRow {
        var row = FormulaRow()
        for (index, (definition, feature)) in zip(scored.pipeline.spec.features, scored.pipeline.features).enumerated() {
            switch (feature, scored.rawValue(k, feature: index)) {
            case (.hashed(let encoding), .text(let text)):
                for name in encoding.columnNames { row.numbers[name] = 0 }
                if let text {
                    let (column, sign) = encoding.bucket(of: text)
                    row.numbers[encoding.columnNames[column]] = sign
                }
            case (_, .text(let text)): row.texts[definition.name] = text
            case (_, .number(let x)): row.numbers[definition.name] = x
            default: break
            }
        }
        return row
    }
}
