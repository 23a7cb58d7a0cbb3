import Features
import Foundation
import Scoring

extension SourceAnalysis {
    /// Analyzes the closed leads of a CRM export read through a spec that maps
    /// `tables.leads.source` (and `owner`, `won_amount` or `amount`, and `cost` when known).
    ///
    /// ```swift
    /// let spec = try FeatureSpec(contentsOf: URL(filePath: "crm/spec.yaml"))
    /// let data = try CRMDataSet(spec: spec, directory: URL(filePath: "crm"), keepingOtherLeadColumns: false)
    /// let analysis = try SourceAnalysis(data: data)
    /// ```
    ///
    /// - Throws: `AnalysisError` when the spec maps no source or no lead has closed.
    public init(data: CRMDataSet, settings: Settings = Settings()) throws(AnalysisError) {
        self.init(leads: try Self.closedLeads(of: data).records, settings: settings)
    }

    /// Analyzes the closed leads of a CRM export and compares each source's and rep's wins with
    /// the model's predictions, each lead scored as of its training cut-off.
    ///
    /// The predictions are split into the leads the model was fitted on and those it was not
    /// (see `ModelSplit`): on the first, a group that is one of the model's features matches
    /// its predicted total nearly exactly by construction, so only the held-out leads test the
    /// model.
    ///
    /// - Parameter data: The export read through the model's spec (`scorer.readData(_:)`).
    /// - Throws: `AnalysisError` as above, `CRMDataError` for bad rows in the events table.
    public init(data: CRMDataSet, scorer: CRMScorer, settings: Settings = Settings(),
                progress: (@Sendable (CRMScorer.Stage) -> Void)? = nil) throws {
        var (indices, records) = try Self.closedLeads(of: data)
        let scored = try scorer.scoreClosedLeads(of: data, progress: progress)
        precondition(scored.leads == indices, "Both list the closed leads in file order.")
        let (samples, split) = Self.samples(of: data, closed: indices, model: scorer.model)
        for k in records.indices {
            records[k].probability = scored.probabilities[k]
            records[k].sample = samples[k]
        }
        self.init(leads: records, settings: settings, split: split)
    }

    /// The closed leads of `data` (indices, in file order) and what the analysis reads of each.
    ///
    /// - Throws: `AnalysisError.noSourceColumn` when the spec maps no source,
    ///   `.noClosedLeads` when no lead is won or lost.
    public static func closedLeads(of data: CRMDataSet) throws(AnalysisError) -> (indices: [Int], records: [ClosedLead]) {
        let leadsTable = data.spec.tables.leads
        guard let sourceColumn = leadsTable.source,
              let sources = data.labels(of: ColumnReference(table: .leads, column: sourceColumn)) else {
            throw .noSourceColumn(file: leadsTable.file)
        }
        let reps = leadsTable.owner.flatMap { data.labels(of: ColumnReference(table: .leads, column: $0)) }
        let wonAmounts = leadsTable.wonAmount.flatMap(data.leadNumbers)
        let amounts = leadsTable.amount.flatMap(data.leadNumbers)
        let costs = leadsTable.cost.flatMap(data.leadNumbers)
        let closed = (0..<data.leadCount).filter { data.outcomes[$0].isClosed }
        guard !closed.isEmpty else { throw .noClosedLeads(file: leadsTable.file) }
        func known(_ column: [Double]?, _ lead: Int) -> Double? {
            guard let value = column?[lead], !value.isNaN else { return nil }
            return value
        }
        let records = closed.map { lead in
            let won = data.outcomes[lead] == .won
            return ClosedLead(source: sources[lead], rep: reps?[lead], won: won,
                              revenue: won ? known(wonAmounts, lead) ?? known(amounts, lead) : nil,
                              cost: known(costs, lead))
        }
        return (closed, records)
    }

    /// Which of the closed leads `closed` of `data` `model` was fitted on.
    ///
    /// When the leads file is byte for byte the one the model was trained on and holds as
    /// many closed leads as it fitted and validated on, the trainer's split is reproduced:
    /// the most recently closed leads (`CRMTrainer.closedLeadsByCloseDate`), as many as the
    /// validation counted, are held out. Otherwise a lead is held out when it closed after the
    /// last close the model was fitted on, and in-sample else (also without a close date).
    static func samples(of data: CRMDataSet, closed: [Int], model: PropensityModel) -> ([ModelSample], ModelSplit) {
        let trained = model.trainingData
        let heldCount = model.validation?.rows ?? 0
        var heldOut = Set<Int>()
        let rule: ModelSplit.Rule
        if let fingerprint = try? DataFingerprint(data.spec.tables.leadsReference, in: data.source, rows: 0, positives: 0),
           fingerprint.fnv1a64 == trained.fnv1a64, fingerprint.bytes == trained.bytes,
           closed.count == trained.rows + heldCount {
            rule = .trainingFile
            heldOut = Set(CRMTrainer.closedLeadsByCloseDate(data).suffix(heldCount))
        } else {
            rule = .closeDate
            if let last = trained.closedTo.flatMap(Timestamp.seconds(from:)) {
                let closeTimes = data.closeTimes
                heldOut = Set(closed.filter { closeTimes[$0] > last })
            }
        }
        let samples = closed.map { heldOut.contains($0) ? ModelSample.heldOut : .training }
        let split = ModelSplit(rule: rule, trainingLeads: closed.count - heldOut.count, heldOutLeads: heldOut.count,
                               trainedThrough: trained.closedTo)
        return (samples, split)
    }
}

/// Why an export cannot be analyzed.
public enum AnalysisError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The spec maps no lead source.
    case noSourceColumn(file: String)
    /// No lead is won or lost.
    case noClosedLeads(file: String)

    public var description: String {
        switch self {
        case .noSourceColumn(let file):
            return "The spec maps no lead source for \(file): name its column under tables.leads, as `source: lead_source`."
        case .noClosedLeads(let file):
            return "\(file) has no closed (won or lost) leads to analyze. Check the spec's label values."
        }
    }
}
