import Features
import Foundation
@testable import Scoring
import TestSupport
import Testing

/// The score file is formatted in runs of rows on several threads and written in order.
struct ScoreFileThreadsTests {
    @Test("Runs formatted on 1, 2 or 3 threads write the same bytes, in both formats")
    func sameBytesOnAnyThreadCount() throws {
        let root = repositoryRoot
        let model = try ModelFile.read(from: root.appendingPathComponent("models/crm.json"))
        let asOf = Date(timeIntervalSince1970: Timestamp.seconds(from: "2025-07-01")!)
        let scored = try CRMScorer(model: model).scoreOpenLeads(in: root.appendingPathComponent("datasets/crm"), asOf: asOf)
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
}
