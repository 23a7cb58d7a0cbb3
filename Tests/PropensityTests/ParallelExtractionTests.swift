import Foundation
import Propensity
import TestSupport
import Testing

/// Reading the events file in parts on several threads gives what one thread gives: the same
/// features, the same skipped rows on the same lines, the same first error.
struct ParallelExtractionTests {
    /// A generated export (about 3.7 MB of events, so three parts of at least 1 MiB) with bad
    /// event rows planted at `badLines` when `plantBadRows`.
    static func export(plantBadRows: Bool, at badLines: [Int] = [1_000, 20_000, 60_000]) throws -> (CRMDataSet, URL) {
        let directory = try makeTemporaryDirectory()
        _ = try CRMGenerator(leads: 2_000, seed: 3).write(to: directory)
        if plantBadRows {
            let url = directory.appending(path: "events.csv")
            var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            for line in badLines {
                var fields = lines[line - 1].components(separatedBy: ",")
                fields[1] = "nobody-\(line)"
                lines[line - 1] = fields.joined(separator: ",")
            }
            try Data(lines.joined(separator: "\n").utf8).write(to: url)
        }
        let spec = try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml"))
        return (try CRMDataSet(spec: spec, directory: directory), directory)
    }

    @Test("one thread and three threads give the same features")
    func sameFeatures() throws {
        let (data, _) = try Self.export(plantBadRows: false)
        let cutoffs = data.cutoffs(openLeadsAsOf: Timestamp.seconds(from: "2030-01-01"))
        let one = try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, threads: 1)
        let three = try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, threads: 3)
        #expect(one.eventCount == three.eventCount)
        #expect(one.eventCount > 60_000)
        #expect(Set(one.numbers.keys) == Set(three.numbers.keys))
        for (index, values) in one.numbers {
            let other = three.numbers[index]!
            for lead in values.indices where !(values[lead].isNaN && other[lead].isNaN) {
                // Decayed sums add in another order; everything else is exact.
                #expect(abs(values[lead] - other[lead]) <= 1e-12 * max(1, abs(values[lead])),
                        "feature \(data.spec.features[index].name), lead \(data.leadID(at: lead))")
            }
        }
    }

    @Test("bad rows: the same first error, and the same skipped rows, on the same lines")
    func sameErrors() throws {
        let (data, _) = try Self.export(plantBadRows: true)
        let cutoffs = data.cutoffs(openLeadsAsOf: nil)
        for threads in [1, 3] {
            #expect(throws: CRMDataError(
                file: "events.csv", line: 1_000, column: "contact_id", entry: "tables.events.contact",
                message: "the contact `nobody-1000` is not in the contacts table. Correct the id, or skip such rows with --skip-invalid-rows.")) {
                _ = try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, threads: threads)
            }
            let raw = try FeatureExtractor.rawFeatures(data, cutoffs: cutoffs, skipInvalidRows: true, threads: threads)
            #expect(raw.skipped.lines == ["events.csv: event for an unknown contact: 3 rows skipped (first on line 1000)"])
        }
    }

    @Test("an error in the last part names its line in the file")
    func errorInALaterPart() throws {
        let (data, _) = try Self.export(plantBadRows: true, at: [60_000])
        let error = #expect(throws: CRMDataError.self) {
            _ = try FeatureExtractor.rawFeatures(data, cutoffs: data.cutoffs(openLeadsAsOf: nil), threads: 3)
        }
        #expect(error?.line == 60_000)
        #expect(error?.message.hasPrefix("the contact `nobody-60000`") == true)
    }

    @Test("the tables read on three threads give the same data set; the first error is the companies table's")
    func tablesOnThreads() throws {
        let (_, directory) = try Self.export(plantBadRows: false)
        let spec = try FeatureSpec(contentsOf: directory.appending(path: "spec.yaml"))
        let one = try CRMDataSet(spec: spec, directory: directory, threads: 1)
        let three = try CRMDataSet(spec: spec, directory: directory, threads: 3)
        #expect(one.leadCount == three.leadCount && one.outcomes == three.outcomes)
        #expect((0..<one.leadCount).allSatisfy { one.leadID(at: $0) == three.leadID(at: $0) })
        let (a, b) = (one.cutoffs(openLeadsAsOf: 0), three.cutoffs(openLeadsAsOf: 0))
        #expect(a.indices.allSatisfy { a[$0] == b[$0] || (a[$0].isNaN && b[$0].isNaN) })
        let cutoffs = one.cutoffs(openLeadsAsOf: Timestamp.seconds(from: "2025-07-01"))
        let x = try FeatureExtractor.rawFeatures(one, cutoffs: cutoffs), y = try FeatureExtractor.rawFeatures(three, cutoffs: cutoffs)
        for (index, values) in x.numbers {
            #expect(values.indices.allSatisfy { values[$0] == y.numbers[index]![$0] || (values[$0].isNaN && y.numbers[index]![$0].isNaN) })
        }
        // Without the unread leads columns there is nothing for the leakage check to compare.
        let lean = try CRMDataSet(spec: spec, directory: directory, keepingOtherLeadColumns: false, threads: 3)
        #expect(lean.leadColumns.count < one.leadColumns.count)
        #expect(!lean.leadColumns.contains { $0.name == "forecast_category" })

        // Bad rows in the companies and the contacts tables: the companies' error comes first.
        for file in ["companies.csv", "contacts.csv"] {
            let url = directory.appending(path: file)
            var text = try String(contentsOf: url, encoding: .utf8)
            let secondLine = text.index(after: text.firstIndex(of: "\n")!)
            text.insert(contentsOf: ",\n", at: secondLine)  // a row with an empty id on line 2
            try Data(text.utf8).write(to: url)
        }
        for threads in [1, 3] {
            do {
                _ = try CRMDataSet(spec: spec, directory: directory, threads: threads)
                Issue.record("bad tables were read")
            } catch {
                #expect(error.file == "companies.csv" && error.line == 2, "\(error)")
            }
        }
    }
}
