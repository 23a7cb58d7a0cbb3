import Foundation
import Propensity
import TestSupport
import Testing

/// Scoring the pipeline as it stood at a past instant must see nothing that happened after it.
struct PastPipelineTests {
    @Test("The pipeline at a past instant scores exactly as if the leads closed since were still open")
    func noLeakFromLaterCloses() throws {
        let root = repositoryRoot
        let model = try ModelFile.read(from: root.appendingPathComponent("models/crm.json"))
        let scorer = try CRMScorer(model: model, threads: 2)
        let instantText = "2025-01-01"
        let instant = Date(timeIntervalSince1970: Timestamp.seconds(from: instantText)!)

        let bundled = root.appendingPathComponent("datasets/crm")
        let data = try scorer.readData(bundled)
        let past = try scorer.scorePipeline(of: data, at: instant)

        // The same export with every lead that closed after the instant made open again:
        // outcome, close date and the outcome-time columns emptied.
        let copy = try makeTemporaryDirectory()
        for name in ["companies.csv", "contacts.csv", "events.csv"] {
            try FileManager.default.createSymbolicLink(at: copy.appendingPathComponent(name),
                                                       withDestinationURL: bundled.appendingPathComponent(name))
        }
        let lines = try String(contentsOf: bundled.appendingPathComponent("leads.csv"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let blanked = ["outcome", "closed_at", "final_amount", "loss_reason", "forecast_category"].map { header.firstIndex(of: $0)! }
        let closedAt = header.firstIndex(of: "closed_at")!
        var reopened = 0
        let rewritten = lines.enumerated().map { index, line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard index > 0, fields.count == header.count,
                  let closed = Timestamp.seconds(from: fields[closedAt]), closed > instant.timeIntervalSince1970 else { return String(line) }
            for column in blanked { fields[column] = "" }
            reopened += 1
            return fields.joined(separator: ",")
        }
        try Data(rewritten.joined(separator: "\n").utf8).write(to: copy.appendingPathComponent("leads.csv"))
        let asIfOpen = try scorer.scoreOpenLeads(in: copy, asOf: instant)

        #expect(reopened > 1000)
        #expect(past.count > 100)
        #expect(past.count == asIfOpen.count)
        #expect(past.rows == asIfOpen.rows)
        #expect(past.scores.probability == asIfOpen.scores.probability)
        #expect(past.scores.low == asIfOpen.scores.low)
        #expect(past.earlierScore == asIfOpen.earlierScore)
        #expect((0..<past.count).allSatisfy { past.factors($0, raising: true) == asIfOpen.factors($0, raising: true) })
        // The leads open today that were SQLs by the instant are part of that pipeline.
        let openThen = Set(past.rows)
        let anchors = data.leadTimestamps("sql_at")!
        for lead in 0..<data.leadCount where data.outcomes[lead] == .open && anchors[lead] <= instant.timeIntervalSince1970 {
            #expect(openThen.contains(lead))
        }
    }
}
