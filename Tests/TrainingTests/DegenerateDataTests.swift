import Foundation
import LinearAlgebra
import Testing
@testable import Training

/// Degenerate data gets a clear, exact error or a finite fit, never NaN or a hang.
struct DegenerateDataTests {
    func data(_ rows: [[Double]], labels: [Double], names: [String]) throws -> TrainingData {
        try TrainingData(features: Matrix(rowArrays: rows), labels: labels, featureNames: names)
    }

    @Test("Complete separation is proven by an iterate that classifies every row")
    func completeSeparation() throws {
        let x: [[Double]] = (1...10).map { [Double($0)] }
        let y: [Double] = (1...10).map { $0 > 5 ? 1 : 0 }
        let d = try data(x, labels: y, names: ["x"])
        #expect(throws: TrainingError.perfectSeparation) { try LogisticRegression().fit(d) }
        #expect(TrainingError.perfectSeparation.description ==
            "The features separate won from lost perfectly, so the unpenalized maximum-likelihood coefficients are infinite. "
            + "Set an L2 penalty (for example --l2 1), or look for a feature that leaks the outcome.")
        let penalized = try LogisticRegression(l2: 1).fit(d)
        #expect(penalized.converged)
        #expect(penalized.coefficients[0].isFinite && penalized.coefficients[0] > 0)
    }

    @Test("Quasi-complete separation names the rows predicted with certainty")
    func quasiCompleteSeparation() throws {
        // x ≥ 0 ⇒ won; the x = −1 rows are mixed, so β → ∞ while the likelihood stays below 1.
        let x: [Double] = [-1, -1, -1, -1, -1, -1, 0, 1, 2, 3]
        let y: [Double] = [0, 1, 0, 1, 0, 1, 1, 1, 1, 1]
        let d = try data(x.map { [$0] }, labels: y, names: ["x"])
        let error = #expect(throws: TrainingError.self) { try LogisticRegression().fit(d) }
        #expect(error?.description ==
            "Quasi-complete separation: 4 rows are fitted with a probability within 1e-10 of their outcome "
            + "(largest coefficient on `x`), so the unpenalized maximum-likelihood coefficients are infinite. "
            + "Set an L2 penalty (for example --l2 1), or look for a feature that leaks the outcome.")
        #expect(try LogisticRegression(l2: 0.1).fit(d).converged)
    }

    @Test("A column that is a combination of others is named with the combination")
    func collinearColumns() throws {
        let a: [Double] = [1, 2, 0, 3, 1, 2, 4, 0, 3, 1]
        let b: [Double] = [0, 1, 1, 2, 3, 0, 1, 2, 0, 1]
        let y: [Double] = [0, 1, 0, 1, 0, 1, 0, 1, 1, 0]
        let rows = (0..<10).map { [a[$0], b[$0], a[$0] + 2 * b[$0]] }
        let d = try data(rows, labels: y, names: ["a", "b", "c"])
        let error = #expect(throws: TrainingError.self) { try LogisticRegression().fit(d) }
        #expect(error?.description ==
            "Column `c` is a linear combination of other columns (c ≈ 1·`a` + 2·`b` + constant), "
            + "so its coefficient is not identifiable without a penalty. Remove one of these columns or set an L2 penalty (--l2).")
        #expect(try LogisticRegression(l2: 1).fit(d).converged)
    }

    @Test("Constant columns are named with their value")
    func constantColumn() throws {
        let rows: [[Double]] = (0..<8).map { [Double($0 % 3), 7] }
        let d = try data(rows, labels: [0, 1, 1, 0, 1, 0, 0, 1], names: ["x", "region_code"])
        #expect(throws: TrainingError.constantColumns(["region_code"], values: [7])) { try LogisticRegression().fit(d) }
        #expect(TrainingError.constantColumns(["region_code"], values: [7]).description ==
            "Column `region_code` (always 7) is constant and cannot inform the model; remove it.")
    }

    @Test("A single class is refused")
    func singleClass() throws {
        let d = try data([[1], [2], [3]], labels: [0, 0, 0], names: ["x"])
        #expect(throws: TrainingError.singleClass(label: 0, rows: 3)) { try LogisticRegression().fit(d) }
        #expect(TrainingError.singleClass(label: 0, rows: 3).description ==
            "All 3 rows have the label lost (0); a model needs both won and lost examples.")
    }

    @Test("Fewer rows than parameters needs a penalty")
    func fewerRowsThanFeatures() throws {
        let rows: [[Double]] = [[1, 0, 3, 1, 2], [0, 1, 1, 2, 5], [2, 2, 0, 1, 1]]
        let d = try data(rows, labels: [0, 1, 1], names: ["a", "b", "c", "d", "e"])
        #expect(throws: TrainingError.fewerRowsThanParameters(rows: 3, parameters: 6)) { try LogisticRegression().fit(d) }
        #expect(TrainingError.fewerRowsThanParameters(rows: 3, parameters: 6).description ==
            "There are 3 rows but 6 parameters to estimate (coefficients and intercept); an unpenalized fit needs more rows "
            + "than parameters. Add rows, drop features, or set an L2 penalty (--l2).")
        let fit = try LogisticRegression(l2: 1).fit(d)
        #expect(fit.converged && fit.coefficients.allSatisfy(\.isFinite))
    }

    @Test("NaN and infinite values are refused with their row and column")
    func nonFiniteValues() {
        let x = Matrix(rowArrays: [[1, 2], [3, .infinity], [5, 6]])
        #expect(throws: TrainingError.nonFiniteFeature(row: 1, column: "amount", value: .infinity)) {
            try TrainingData(features: x, labels: [0, 1, 0], featureNames: ["x", "amount"])
        }
        #expect(TrainingError.nonFiniteFeature(row: 1, column: "amount", value: .infinity).description ==
            "Column `amount` of row 2 is infinity; every feature value must be a finite number.")
        #expect(TrainingError.nonFiniteFeature(row: 0, column: "x", value: .nan).description ==
            "Column `x` of row 1 is NaN; every feature value must be a finite number.")
    }

    @Test("A non-finite value is found wherever it is among many rows, and only the first is named")
    func nonFiniteAmongManyRows() {
        // 3 columns × 4,103 rows of huge finite values; the bad cell first, in the middle and
        // last, with another non-finite value after it.
        let rows = 4_103, d = 3
        let values = (0..<(rows * d)).map { Double($0 % 17) * 1e300 - 5e300 }
        let names = ["a", "b", "c"]
        let labels = (0..<rows).map { Double($0 % 2) }
        #expect((try? TrainingData(features: Matrix(rows: rows, columns: d, elements: values), labels: labels)) != nil)
        for (cell, bad) in [(0, Double.nan), (4_095, -.infinity), (4_096, .infinity), (7_000, .nan),
                            (rows * d - 5, .infinity), (rows * d - 1, .nan)] {
            var x = values
            x[cell] = bad
            if cell + 10 < x.count { x[cell + 10] = .nan }  // a later one is not the one named
            do {
                _ = try TrainingData(features: Matrix(rows: rows, columns: d, elements: x), labels: labels, featureNames: names)
                Issue.record("cell \(cell) = \(bad) was accepted")
            } catch {
                // NaN is not equal to itself, so the error is taken apart rather than compared.
                guard case .nonFiniteFeature(let row, let column, let value) = error else {
                    Issue.record("cell \(cell): \(error)")
                    continue
                }
                #expect(row == cell / d && column == names[cell % d])
                #expect(value.isNaN ? bad.isNaN : value == bad)
            }
        }
    }

    @Test("Labels other than 0 and 1, and negative weights, are refused")
    func invalidLabelsAndWeights() {
        let x = Matrix(rowArrays: [[1], [2]])
        #expect(throws: TrainingError.invalidLabel(row: 1, value: 2)) {
            try TrainingData(features: x, labels: [0, 2])
        }
        #expect(throws: TrainingError.invalidWeight(row: 0, value: -1)) {
            try TrainingData(features: x, labels: [0, 1], weights: [-1, 1])
        }
    }

    @Test("Extreme linear predictors give finite loss, gradient and Hessian")
    func extremeLinearPredictors() {
        for eta in [1e308, -1e308, 800, -800, 0] {
            for y in [0.0, 1.0] {
                let loss = LogisticLoss.loss(eta: eta, label: y)
                #expect(loss.isFinite && loss >= 0)
                #expect(LogisticLoss.probability(eta: eta).isFinite)
                #expect(LogisticLoss.variance(eta: eta).isFinite)
            }
        }
        #expect(LogisticLoss.loss(eta: 1e308, label: 1) == 0)
        #expect(LogisticLoss.loss(eta: 1e308, label: 0) == 1e308)
        #expect(LogisticLoss.loss(eta: -800, label: 1) == 800)
        // The one-exp form agrees with the separate functions, and keeps tiny residuals exact.
        for eta in [-40.0, -3, -0.5, 0, 0.5, 3, 40] {
            for y in [0.0, 1.0] {
                let t = LogisticLoss.terms(eta: eta, label: y)
                #expect(abs(t.loss - LogisticLoss.loss(eta: eta, label: y)) <= 1e-15 * max(1, t.loss))
                #expect(abs(t.residual - (LogisticLoss.probability(eta: eta) - y)) <= 2e-16)
                #expect(abs(t.variance - LogisticLoss.variance(eta: eta)) <= 1e-17)
            }
        }
        // 1 − p for η = 40 is e⁻⁴⁰/(1 + e⁻⁴⁰), which `p − 1` would round to −4.2e-18 or 0.
        #expect(LogisticLoss.terms(eta: 40, label: 1).residual == -exp(-40.0) / (1 + exp(-40.0)))
    }
}
