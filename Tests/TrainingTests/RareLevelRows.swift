import Foundation
import LinearAlgebra
import TestSupport
@testable import Training

/// 4,000 rows in blocks of 100: Gaussian columns with the given coefficients, then a 0/1
/// column set in 40 rows of one block only (rows 150..<190), so that a sample of every 8th
/// block misses the level and its Hessian has no curvature along it; labels from a logistic
/// model with intercept −0.3.
func rareLevelRows(coefficients: [Double], rareEffect: Double, names: [String]) throws -> TrainingData {
    var rng = SeededGenerator(seed: 5)
    let n = 4000, k = coefficients.count
    var x = Matrix(rows: n, columns: k + 1)
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var eta = -0.3
        for j in 0..<k {
            x[i, j] = rng.nextGaussian()
            eta += coefficients[j] * x[i, j]
        }
        x[i, k] = (150..<190).contains(i) ? 1 : 0
        eta += rareEffect * x[i, k]
        y[i] = Double.random(in: 0..<1, using: &rng) < 1 / (1 + exp(-eta)) ? 1 : 0
    }
    return try TrainingData(features: x, labels: y, featureNames: names, blockRows: 100)
}
