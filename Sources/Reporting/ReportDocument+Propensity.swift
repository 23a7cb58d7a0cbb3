import Features
import Scoring

extension ReportDocument {
    /// The standard report of a CRM model and its open pipeline: model card, coefficients,
    /// validation (ROC curve, calibration, lift) and the open pipeline's scores.
    ///
    /// Further sections go in with `sections.append(_:)` or `insert(_:after:)`; the ids used
    /// here are `model-card`, `coefficients`, `roc`, `calibration`, `lift` (or `validation`
    /// when the model has none) and `pipeline`.
    ///
    /// - Parameters:
    ///   - model: The model.
    ///   - modelFile: The model file's path, as given.
    ///   - dataDirectory: The CRM export's folder, as given.
    ///   - scored: Its open leads, scored.
    public static func propensityReport(model: PropensityModel, modelFile: String, dataDirectory: String,
                                        scored: ScoredLeads) -> ReportDocument {
        let subtitle = [
            "Model \(modelFile), trained \(model.trainedAt); open pipeline of \(dataDirectory) as of \(Timestamp.string(from: scored.asOf)).",
            "Written by Propensity \(PropensityVersion.current). Self-contained: opening this file loads nothing from anywhere.",
        ]
        let sections = [ReportSection.modelCard(model, file: modelFile), .coefficients(model)] + ReportSection.validation(model)
            + [.openPipeline(scored)]
        return ReportDocument(title: "Propensity report", subtitle: subtitle, sections: sections)
    }
}
