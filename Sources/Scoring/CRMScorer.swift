import Features
import Foundation
import LinearAlgebra
import Training

/// Scores the open leads of a CRM export with a saved model: the close probability with a 90%
/// range, the 0–100 score and A–D grade, the trend over the last days, and the factors that
/// raise and lower each lead's odds, in words.
///
/// ```swift
/// let model = try ModelFile.read(from: URL(filePath: "models/crm.json"))
/// let scored = try CRMScorer(model: model).scoreOpenLeads(in: URL(filePath: "crm"), asOf: Date())
/// for lead in 0..<scored.count { print(scored.leadID(lead), scored.scores.probability[lead]) }
/// ```
public struct CRMScorer: Sendable {
    /// The model.
    public let model: PropensityModel
    /// Its fitted feature pipeline.
    public let pipeline: FeaturePipeline
    /// Threads for the pass over the events and the scoring.
    public var threads: Int
    /// Skip and count invalid rows instead of stopping at the first.
    public var skipInvalidRows: Bool
    /// How many days before the scoring instant the trend compares with; default 7.
    public var trendDays: Double
    /// The scoring arithmetic, with the model's columns grouped by spec feature.
    let kernel: LinearScorer
    /// Leads whose feature matrix is built and scored at once; a multiple of the kernel's
    /// blocks. 8,192 rows of 146 columns are 9.6 MB, which the allocator keeps and the caches
    /// hold from one run to the next; runs of 65,536 rows (76 MB) were each a fresh mapping,
    /// zeroed page by page.
    var scoringRunRows = defaultScoringRunRows
    static let defaultScoringRunRows = 8_192

    /// A scorer for `model`.
    ///
    /// - Throws: `ScoringError.notACRMModel` for a model trained on a flat table,
    ///   `.unusableModel` when its covariance cannot be factored.
    public init(model: PropensityModel, threads: Int = 1, skipInvalidRows: Bool = false,
                trendDays: Double = 7) throws(ScoringError) {
        guard case .crm(let pipeline) = model.input else { throw .notACRMModel }
        self.model = model
        self.pipeline = pipeline
        self.threads = threads
        self.skipInvalidRows = skipInvalidRows
        self.trendDays = trendDays
        var start = 0
        let groups = pipeline.features.map { feature in
            defer { start += feature.columnNames.count }
            return start..<(start + feature.columnNames.count)
        }
        do {
            kernel = try LinearScorer(fit: model.fit, groups: groups)
        } catch {
            throw .unusableModel(error.description)
        }
    }

    /// Progress, for long work.
    public enum Stage: Sendable {
        case readingTables
        case readingEvents(count: Int)
        case scoring(leads: Int)
    }

    /// Scores every open lead of `directory` as of `asOf`, and as of `trendDays` earlier for
    /// the trend, in one pass over the events.
    ///
    /// - Throws: `CRMDataError` when the tables lack a column the spec needs or hold bad rows.
    public func scoreOpenLeads(in directory: URL, asOf: Date,
                               progress: (@Sendable (Stage) -> Void)? = nil) throws -> ScoredLeads {
        try scoreOpenLeads(in: CRMFolder(directory), asOf: asOf, progress: progress)
    }

    /// Scores every open lead of the tables of `source` (a folder, a database) as of `asOf`,
    /// as `scoreOpenLeads(in:asOf:progress:)` does for a folder.
    public func scoreOpenLeads(in source: any CRMTableSource, asOf: Date,
                               progress: (@Sendable (Stage) -> Void)? = nil) throws -> ScoredLeads {
        progress?(.readingTables)
        return try scoreOpenLeads(of: try readData(source), asOf: asOf, progress: progress)
    }

    /// Scores every open lead of `data`, tables already read through the model's spec
    /// (`readData(_:groupingColumns:)`), as `scoreOpenLeads(in:asOf:progress:)` does.
    ///
    /// - Throws: `CRMDataError` for bad rows in the events table.
    public func scoreOpenLeads(of data: CRMDataSet, asOf: Date,
                               progress: (@Sendable (Stage) -> Void)? = nil) throws -> ScoredLeads {
        let now = asOf.timeIntervalSince1970
        // Open leads that were SQLs at `asOf`: a lead whose cut-off anchor (its SQL date) is
        // later was not one yet (a lead without the date is taken as one).
        let anchors = pipeline.spec.cutoff.flatMap { data.leadTimestamps($0.after) }
        let openLeads = (0..<data.leadCount).filter { data.outcomes[$0] == .open }
        let open = openLeads.filter { lead in anchors.map { !($0[lead] > now) } ?? true }
        return try score(open, of: data, asOf: now, notYetSQLs: openLeads.count - open.count, progress: progress)
    }

    /// Scores the pipeline as it stood at `instant`: every lead that was an open SQL then
    /// (`CRMDataSet.pipelineLeads(at:)`), including those that have closed since, with its
    /// features as of `instant`, so nothing later leaks in. What a backtest of a forecast
    /// scores: the probabilities the model would have given at the start of a past quarter.
    ///
    /// - Parameter data: Tables read through the model's spec (`readData(_:groupingColumns:)`).
    /// - Throws: `CRMDataError` for bad rows in the events table.
    public func scorePipeline(of data: CRMDataSet, at instant: Date,
                              progress: (@Sendable (Stage) -> Void)? = nil) throws -> ScoredLeads {
        let now = instant.timeIntervalSince1970
        return try score(data.pipelineLeads(at: now), of: data, asOf: now, notYetSQLs: 0, progress: progress)
    }

    /// Reads the tables of `directory` through the model's spec, without the leads columns the
    /// spec does not read, plus `groupingColumns` as text (see `CRMDataSet.labels(of:)`).
    ///
    /// - Throws: `CRMDataError` naming the file, line and column of the problem.
    public func readData(_ directory: URL, groupingColumns: [ColumnReference] = []) throws(CRMDataError) -> CRMDataSet {
        try readData(CRMFolder(directory), groupingColumns: groupingColumns)
    }

    /// Reads the tables of `source` (a folder, a database) as `readData(_:groupingColumns:)` does.
    public func readData(_ source: any CRMTableSource, groupingColumns: [ColumnReference] = []) throws(CRMDataError)
        -> CRMDataSet
    {
        try CRMDataSet(spec: pipeline.spec, source: source, skipInvalidRows: skipInvalidRows,
                       keepingOtherLeadColumns: false, threads: threads, groupingColumns: groupingColumns)
    }

    /// Scores the leads `rows` of `data` as of `now` and `trendDays` earlier.
    private func score(_ rows: [Int], of data: CRMDataSet, asOf now: Double, notYetSQLs: Int,
                       progress: (@Sendable (Stage) -> Void)?) throws -> ScoredLeads {
        let earlier = now - trendDays * Timestamp.secondsPerDay
        let anchors = pipeline.spec.cutoff.flatMap { data.leadTimestamps($0.after) }
        // A lead that became an SQL after the earlier instant has no earlier score.
        var nowCutoffs = [Double](repeating: .nan, count: data.leadCount)
        var earlierCutoffs = nowCutoffs
        for lead in rows {
            nowCutoffs[lead] = now
            if let anchors, !(anchors[lead] < earlier) { continue }
            earlierCutoffs[lead] = earlier
        }
        let raws = try FeatureExtractor.rawFeatures(data, cutoffSets: [nowCutoffs, earlierCutoffs],
                                                    skipInvalidRows: skipInvalidRows, threads: threads) {
            progress?(.readingEvents(count: $0))
        }
        progress?(.scoring(leads: rows.count))
        let current = score(raws[0], rows: rows)
        let withEarlier = rows.indices.filter { !earlierCutoffs[rows[$0]].isNaN }
        let before = score(raws[1], rows: withEarlier.map { rows[$0] })
        var earlierScore = [Int](repeating: -1, count: rows.count)
        for (k, position) in withEarlier.enumerated() { earlierScore[position] = before.score[k] }
        var skipped = data.skipped
        skipped.merge(raws[0].skipped)
        return ScoredLeads(data: data, scorer: self, rows: rows, notYetSQLs: notYetSQLs, asOf: now,
                           trendFrom: earlier, raw: raws[0],
                           scores: current, earlierScore: earlierScore, skipped: skipped,
                           eventCount: raws[0].eventCount, latestEventTime: raws[0].latestEventTime)
    }

    /// The model's column ranges, one per spec feature.
    var featureColumns: [Range<Int>] { kernel.groups }

    /// Scores `rows` of `raw` in blocks, so that memory stays bounded on millions of leads.
    func score(_ raw: RawFeatures, rows: [Int]) -> LeadScores {
        precondition(scoringRunRows > 0 && scoringRunRows % LinearScorer.blockRows == 0, "Runs are whole kernel blocks.")
        var result = LeadScores(grades: model.grades, calibrator: model.calibration?.calibrator)
        for start in stride(from: 0, to: rows.count, by: scoringRunRows) {
            let slice = Array(rows[start..<min(rows.count, start + scoringRunRows)])
            result.append(kernel.score(pipeline.matrix(raw, rows: slice), threads: threads))
        }
        return result
    }

    /// The raw value of feature `index` for `lead`.
    func rawValue(_ raw: RawFeatures, feature index: Int, lead: Int) -> RawValue {
        if case .interaction(let first, let second, _) = pipeline.features[index] {
            return .pair(rawValue(raw, feature: first, lead: lead), rawValue(raw, feature: second, lead: lead))
        }
        if let texts = raw.texts[index] { return .text(texts.value(at: lead)) }
        return .number(raw.numbers[index]![lead])
    }

    /// Feature `index`'s value for `lead` in words.
    func words(_ raw: RawFeatures, feature index: Int, lead: Int) -> String {
        let features = pipeline.spec.features
        var parts: (FeatureDefinition, FeatureDefinition)?
        if case .interaction(let first, let second, _) = pipeline.features[index] {
            parts = (features[first], features[second])  // indices the model file check has verified
        }
        return features[index].words(for: rawValue(raw, feature: index, lead: lead), interactionParts: parts)
    }
}

/// Why leads could not be scored.
public enum ScoringError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The model was trained on a flat table, not through a feature spec.
    case notACRMModel
    /// No lead has the id asked for.
    case unknownLead(id: String, file: String)
    /// The model's coefficients or covariance cannot be used (a damaged file).
    case unusableModel(String)

    public var description: String {
        switch self {
        case .notACRMModel:
            return "This model was trained on a flat table; scoring, evaluation and explanations need a model trained "
                + "with --spec on a CRM export."
        case .unknownLead(let id, let file):
            return "No lead has the id `\(id)` in \(file). Check the id (ids are matched exactly)."
        case .unusableModel(let reason):
            return "The model cannot score: \(reason) Retrain it."
        }
    }
}
