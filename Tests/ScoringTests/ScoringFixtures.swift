import Features
import Foundation
import Scoring
import TestSupport
import Training

/// The Spector and Mazzeo data (32 students, 11 with GRADE = 1) as the product reads it.
let spectorData = fixturesDirectory.appendingPathComponent("data/spector_logit.csv")

/// A model of GRADE on GPA, TUCE and PSI trained on `spectorData` with penalty `l2`, as
/// `propensity train` assembles one.
func spectorModel(l2: Double = 0, hessianFreeWidth: Int = LogisticRegression.defaultHessianFreeWidth) throws -> PropensityModel {
    let set = try LabelledFlatTable(FlatTable(contentsOf: spectorData), label: "GRADE")
    let data = try TrainingData(features: set.features, labels: set.labels, featureNames: set.encoding.featureNames)
    var trainer = LogisticRegression(l2: l2, standardize: true)
    trainer.hessianFreeWidth = hessianFreeWidth
    let fit = try trainer.fit(data)
    return PropensityModel(
        label: LabelDefinition(column: "GRADE", positive: nil), weightColumn: nil, encoding: set.encoding, fit: fit,
        trainingMetrics: ClassificationMetrics(probabilities: fit.probabilities(set.features), labels: set.labels),
        grades: GradeScale(fitting: fit.probabilities(set.features)),
        trainingData: try DataFingerprint(file: spectorData, rows: set.labels.count, positives: 11))
}

/// Writes `text` to a file called `name` in a new temporary folder.
func writeFile(_ text: String, named name: String = "data.csv") throws -> URL {
    let url = try makeTemporaryDirectory().appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url
}
