import Features
import Foundation
@testable import Scoring
import TestSupport
import Testing

/// Leads are scored, and the score file formatted, in runs of rows; the bytes do not depend on
/// the runs or on the threads that format them.
struct ScoringRunsTests {
    /// The bundled export's open leads, scored by the bundled model as of 2025-07-01 in runs of
    /// `runRows` leads.
    func bundledOpenLeads(runRows: Int = CRMScorer.defaultScoringRunRows) throws -> ScoredLeads {
        let root = repositoryRoot
        var scorer = try CRMScorer(model: try ModelFile.read(from: root.appendingPathComponent("models/crm.json")))
        scorer.scoringRunRows = runRows
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        return try scorer.scoreOpenLeads(in: root.appendingPathComponent("datasets/crm"), asOf: asOf)
    }

    @Test("Runs formatted on 1, 2 or 3 threads write the same bytes, in both formats")
    func sameBytesOnAnyThreadCount() throws {
        let scored = try bundledOpenLeads()
        #expect(scored.count == 659)
        let folder = try makeTemporaryDirectory()
        for format in ScoreFile.Format.allCases {
            let reference = folder.appendingPathComponent("reference.\(format)")
            try ScoreFile.write(scored, format: format, to: reference)
            let expected = try Data(contentsOf: reference)
            #expect(String(decoding: expected, as: UTF8.self).split(separator: "\n").count == (format == .csv ? 660 : 659))
            // Runs of 50 rows: 14 runs, the last of 9 rows, in rounds that end part-way.
            for threads in 1...3 {
                let url = folder.appendingPathComponent("\(threads).\(format)")
                try ScoreFile.write(scored, format: format, to: url, threads: threads, runRows: 50)
                #expect(try Data(contentsOf: url) == expected, "\(format), \(threads) threads")
            }
        }
    }

    @Test("Leads scored in runs of 512 give the same file as in one run")
    func runsOfLeads() throws {
        let folder = try makeTemporaryDirectory()
        var files: [Data] = []
        for runRows in [CRMScorer.defaultScoringRunRows, 512] {
            let scored = try bundledOpenLeads(runRows: runRows)
            #expect(scored.count == 659)  // two runs of 512 and 147 leads, or one of 659
            let url = folder.appendingPathComponent("\(runRows).csv")
            try ScoreFile.write(scored, format: .csv, to: url)
            files.append(try Data(contentsOf: url))
        }
        #expect(files[0] == files[1])
    }
}
